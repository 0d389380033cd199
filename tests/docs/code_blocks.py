"""The fenced code blocks of README.md and docs/*.md, with the marker that excuses one.

A block is an example when its language is a shell or Python; such a block runs in
`test_examples.py`, and must print what its output comments show, unless the line right
before its fence is `<!-- not run: REASON -->`, visible to anyone editing the page. A fence
without a language is refused outright: nobody could tell whether it is meant to run.
"""

import re
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Final

REPOSITORY: Final = Path(__file__).resolve().parents[2]
SHELL: Final = frozenset({"sh", "shell", "bash"})
PYTHON: Final = frozenset({"python", "py"})
# Data, diagrams and browser code (the Momento web SDK: no browser here), shown rather than run.
NOT_EXAMPLES: Final = frozenset({"json", "mermaid", "text", "js"})
_FENCE: Final = re.compile(r"^(?P<indent>\s*)```(?P<language>\S*)\s*$")
NOT_RUN_MARKER: Final = "<!-- not run:"
_NOT_RUN: Final = re.compile(r"^\s*<!-- not run: (?P<reason>\S.*?) -->\s*$")
# A comment line showing what the command above prints: JSON, a tuple, optionally after the
# HTTP status (`# 404 {"error": ...}`), which curl does not print.
_OUTPUT: Final = re.compile(r"^\s*# (?:\d{3} )?(?P<output>[\[{(].*)$")


@dataclass(frozen=True)
class CodeBlock:
    page: str  # relative to the repository, e.g. docs/local.md
    line: int  # of the opening fence, 1-based
    language: str
    text: str  # dedented as a reader would copy it
    not_run: str | None  # the marker's reason, when the page excuses the block

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"

    @property
    def documented_outputs(self) -> list[str]:
        """What the block's comments say it prints; running it must print each."""
        return [found["output"] for found in map(_OUTPUT.match, self.text.splitlines()) if found]


def pages() -> list[Path]:
    return [REPOSITORY / "README.md", *sorted((REPOSITORY / "docs").glob("*.md"))]


def code_blocks(page: Path) -> list[CodeBlock]:
    lines = page.read_text().splitlines()
    blocks: list[CodeBlock] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and lines[end].strip() != "```":
            end += 1
        marker = _NOT_RUN.match(lines[index - 1]) if index > 0 else None
        blocks.append(
            CodeBlock(
                page=str(page.relative_to(REPOSITORY)),
                line=index + 1,
                language=opening["language"],
                text=textwrap.dedent("\n".join(lines[index + 1 : end])) + "\n",
                not_run=marker["reason"] if marker else None,
            )
        )
        index = end + 1
    return blocks


def all_code_blocks() -> list[CodeBlock]:
    return [block for page in pages() for block in code_blocks(page)]
