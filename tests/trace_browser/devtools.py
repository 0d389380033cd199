"""Headless Debian chromium driven over its DevTools protocol, with aiohttp's websocket client.

Just what the trace page test needs: open a page in a fresh tab, collect everything the page
reports as an error (console errors, uncaught exceptions, failed loads), evaluate JavaScript
and click like a user. The browser gets a fresh profile and no background networking, so it
makes no connection besides loopback DevTools.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import aiohttp

CHROMIUM: Final = "/usr/bin/chromium"
STARTUP_SECONDS: Final = 30.0
COMMAND_SECONDS: Final = 30.0
FLAGS: Final = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
    "--remote-debugging-address=127.0.0.1",
    "--remote-debugging-port=0",  # chromium picks a free port and writes it to the profile
)


class DevToolsError(RuntimeError):
    """The browser did not start, or answered a command with an error."""


@contextmanager
def chromium(profile: Path) -> Iterator[str]:
    """Runs chromium with a fresh profile in `profile`; yields its browser websocket URL."""
    log = profile / "chromium.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile / 'profile'}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        yield _browser_url(process, profile / "profile" / "DevToolsActivePort", log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _browser_url(process: subprocess.Popen[bytes], port_file: Path, log: Path) -> str:
    """Chromium writes `port\\n/devtools/browser/<id>` to the profile once it listens."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise DevToolsError(f"chromium exited with {process.returncode}: {log.read_text()}")
        lines = port_file.read_text().splitlines() if port_file.exists() else []
        if len(lines) == 2:
            return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.05)
    raise DevToolsError(f"chromium did not open DevTools in {STARTUP_SECONDS:.0f}s")


@dataclass
class PageProblems:
    """Everything a page reported as wrong while it was open."""

    console_errors: list[str] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    log_errors: list[str] = field(default_factory=list)

    @property
    def all(self) -> list[str]:
        return [*self.console_errors, *self.exceptions, *self.log_errors]


class Page:
    """One tab, attached with a flat DevTools session."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        self._socket = socket
        self._ids = itertools.count(1)
        self._pending: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._loaded = asyncio.Event()
        self._session_id: str | None = None
        self.problems = PageProblems()

    async def command(self, method: str, **params: Any) -> dict[str, Any]:
        """Sends a command (to the tab once attached) and returns its result."""
        message_id = next(self._ids)
        message: dict[str, Any] = {"id": message_id, "method": method, "params": params}
        if self._session_id is not None:
            message["sessionId"] = self._session_id
        answer = asyncio.get_running_loop().create_future()
        self._pending[message_id] = answer
        await self._socket.send_json(message)
        reply = await asyncio.wait_for(answer, COMMAND_SECONDS)
        if "error" in reply:
            raise DevToolsError(f"{method}: {reply['error']}")
        result: dict[str, Any] = reply.get("result", {})
        return result

    async def attach(self) -> None:
        target = await self.command("Target.createTarget", url="about:blank")
        attached = await self.command(
            "Target.attachToTarget", targetId=target["targetId"], flatten=True
        )
        self._session_id = attached["sessionId"]
        for domain in ("Runtime", "Log", "Page"):
            await self.command(f"{domain}.enable")

    async def open(self, url: str) -> None:
        """Navigates and waits for the load event."""
        self._loaded.clear()
        navigated = await self.command("Page.navigate", url=url)
        if "errorText" in navigated:
            raise DevToolsError(f"{url}: {navigated['errorText']}")
        await asyncio.wait_for(self._loaded.wait(), COMMAND_SECONDS)

    async def evaluate(self, expression: str) -> Any:
        """The JSON value of a JavaScript expression (promises awaited)."""
        result = await self.command(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise DevToolsError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def click(self, x: float, y: float) -> None:
        """A real mouse click at page coordinates, hit-tested by the browser."""
        for kind in ("mousePressed", "mouseReleased"):
            await self.command(
                "Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1
            )

    async def drag(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        """Press at `start`, move to `end` in steps, release: a user's drag."""
        await self.command(
            "Input.dispatchMouseEvent",
            type="mousePressed",
            x=start[0],
            y=start[1],
            button="left",
            clickCount=1,
        )
        for step in range(1, 6):
            x = start[0] + (end[0] - start[0]) * step / 5
            y = start[1] + (end[1] - start[1]) * step / 5
            await self.command(
                "Input.dispatchMouseEvent", type="mouseMoved", x=x, y=y, button="left", buttons=1
            )
        await self.command(
            "Input.dispatchMouseEvent",
            type="mouseReleased",
            x=end[0],
            y=end[1],
            button="left",
            clickCount=1,
        )

    async def wheel(self, x: float, y: float, delta_y: float) -> None:
        """A mouse wheel turn over (x, y); negative `delta_y` scrolls up (zooms in here)."""
        await self.command(
            "Input.dispatchMouseEvent", type="mouseWheel", x=x, y=y, deltaX=0, deltaY=delta_y
        )

    async def viewport(self, width: int, height: int) -> None:
        await self.command(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    async def screenshot(self, path: Path) -> None:
        """The visible page as a PNG, for a person to look at when a check fails."""
        shot = await self.command("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))

    async def read_messages(self) -> None:
        async for message in self._socket:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data = message.json()
            if "id" in data:
                pending = self._pending.pop(data["id"], None)
                if pending is not None and not pending.done():
                    pending.set_result(data)
            else:
                self._on_event(data["method"], data.get("params", {}))

    def _on_event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Page.loadEventFired":
            self._loaded.set()
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            texts = [str(arg.get("value", arg.get("description"))) for arg in params["args"]]
            self.problems.console_errors.append(" ".join(texts))
        elif method == "Runtime.exceptionThrown":
            details = params["exceptionDetails"]
            self.problems.exceptions.append(
                str(details.get("exception", {}).get("description", details.get("text")))
            )
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            entry = params["entry"]
            self.problems.log_errors.append(f"{entry.get('url', '')}: {entry['text']}")


@asynccontextmanager
async def browser_page(browser_url: str) -> AsyncIterator[Page]:
    """A fresh tab of the running browser, with its problems being collected."""
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(browser_url, max_msg_size=0) as socket,
    ):
        page = Page(socket)
        reader = asyncio.create_task(page.read_messages())
        try:
            await page.attach()
            yield page
        finally:
            reader.cancel()
            with suppress(asyncio.CancelledError):
                await reader
