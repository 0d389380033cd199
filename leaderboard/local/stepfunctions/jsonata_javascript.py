"""JavaScript's meaning where jsonata-python, a port, reads JSONata differently from AWS.

AWS evaluates JSONata with the JavaScript reference implementation, so a regex literal is a
JavaScript regex and ``$string`` writes numbers as JavaScript does. The differential test
(tests/jsonata_fidelity) found two places where the port follows Python instead:

- Regex: Python's ``$`` also matches before a final newline (``/^[0-9]{4}$/`` accepted
  ``"2026\\n"``), and ``\\d``/``\\w`` match any Unicode digit or letter; in JavaScript ``$`` is
  the end of the text (without the ``m`` flag) and ``\\d``/``\\w`` are ASCII.
- ``$string`` (and ``&``, which uses it): JavaScript rounds every number to 15 significant
  digits and writes it the way ``Number.prototype.toString`` does (``123456789012346000``,
  ``5e-324``, ``null`` for a number that rounds past the largest double); the port wrote
  ``1.23456789012346e+17``, ``4.94065645841247e-324``, escaped non-ASCII text and left
  numbers inside arrays and objects unrounded.
- ``$contains(null, ...)``: JavaScript refuses null as the text (T0410, so AWS fails the state
  with States.QueryEvaluationError); the port answered undefined, which a Choice reads as false.
"""

import decimal
import json
import math
import re
from typing import Any, Final

from jsonata import jexception, parser
from jsonata.functions import Functions
from jsonata.jsonata import Jsonata
from jsonata.regex_engine import RegexFlags
from jsonata.utils import Utils

from leaderboard.local.patching import replace_attribute

# ECMAScript's Number::toString switches to exponent notation outside these decimal exponents.
_PLAIN_EXPONENTS: Final = range(-5, 22)
# Number.prototype.toPrecision(15): round half up on the exact value of the double.
_FIFTEEN_DIGITS: Final = decimal.Context(prec=15, rounding=decimal.ROUND_HALF_UP)
# JavaScript's ASCII classes, outside and inside a character class.
_CLASS_ESCAPES: Final = {"d": ("[0-9]", "0-9"), "w": ("[A-Za-z0-9_]", "A-Za-z0-9_")}
_NEGATED_ESCAPES: Final = {"D": "[^0-9]", "W": "[^A-Za-z0-9_]"}


def javascript_regex(pattern: str, flags: RegexFlags) -> re.Pattern[str]:
    """A jsonata-python regex engine compiling ``pattern`` with JavaScript's meaning."""
    translated: list[str] = []
    in_class = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            escaped = pattern[index + 1]
            if escaped in _CLASS_ESCAPES:
                translated.append(_CLASS_ESCAPES[escaped][1 if in_class else 0])
            elif escaped in _NEGATED_ESCAPES and not in_class:
                translated.append(_NEGATED_ESCAPES[escaped])
            else:
                translated.append(pattern[index : index + 2])
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        elif char == "$" and not in_class and not flags.multiline:
            char = r"\Z"  # the end of the text only, as JavaScript's $ without the m flag
        translated.append(char)
        index += 1
    python_flags = (re.IGNORECASE if flags.case_insensitive else 0) | (
        re.MULTILINE if flags.multiline else 0
    )
    return re.compile("".join(translated), python_flags)


def _number_text(value: float) -> str:
    """``Number.prototype.toString``: the shortest digits that read back as ``value``."""
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    digits_tuple = decimal.Decimal(repr(abs(value))).normalize().as_tuple()
    digits = "".join(map(str, digits_tuple.digits))
    assert isinstance(digits_tuple.exponent, int)  # finite: NaN and infinity never get here
    point = len(digits) + digits_tuple.exponent  # value = 0.digits x 10^point
    if len(digits) <= point <= 21:
        return sign + digits + "0" * (point - len(digits))
    if 0 < point <= 21:
        return sign + digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return sign + "0." + "0" * -point + digits
    exponent = point - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'+' if exponent > 0 else '-'}{abs(exponent)}"


def _rounded(value: float) -> float:
    """``Number(value.toPrecision(15))``: infinite when the rounding passes the largest double."""
    return float(_FIFTEEN_DIGITS.plus(decimal.Decimal(value)))


def _json_text(value: Any, indent: str, depth: int) -> str:
    """``JSON.stringify`` with jsonata's replacer: numbers to 15 digits, functions as ``""``."""
    if value is None or value is Utils.NULL_VALUE:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        rounded = _rounded(value)
        return _number_text(rounded) if math.isfinite(rounded) else "null"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Jsonata.JFunction | parser.Parser.Symbol):
        return '""'
    inner = "\n" + indent * (depth + 1) if indent else ""
    outer = "\n" + indent * depth if indent else ""
    separator = ": " if indent else ":"
    if isinstance(value, dict):
        items = [
            json.dumps(str(key), ensure_ascii=False)
            + separator
            + _json_text(item, indent, depth + 1)
            for key, item in value.items()
        ]
        return "{" + inner + ("," + inner).join(items) + outer + "}" if items else "{}"
    if isinstance(value, list | tuple):
        items = [_json_text(item, indent, depth + 1) for item in value]
        return "[" + inner + ("," + inner).join(items) + outer + "]" if items else "[]"
    return json.dumps(value)


def _string(arg: Any, prettify: bool) -> str:
    """Replacement for ``Functions._string``: any non-string value as jsonata-js writes it."""
    return _json_text(arg, "  " if prettify else "", 0)


def _contains(text: Any, token: Any) -> bool | None:
    """``$contains`` as jsonata-js checks its first argument: null is no string (T0410)."""
    if text is Utils.NULL_VALUE:
        raise jexception.JException("T0410", -1, 1, "contains")
    result: bool | None = Functions.contains(text, token)
    return result


def install() -> None:
    """Give jsonata-python JavaScript's number text and ``$contains``; regexes go through
    ``javascript_regex``."""
    replace_attribute(Functions, "_string", staticmethod(_string))
    # The built-in was bound to its implementation when jsonata was imported.
    replace_attribute(Jsonata.static_frame.lookup("contains"), "method", _contains)
