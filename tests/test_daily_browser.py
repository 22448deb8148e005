"""The daily brief's HTML page in real headless Chromium: what it shows, no console error, no request.

Chromium (Debian's ``chromium`` package; ``.ci/run`` installs it) is driven over the
DevTools protocol through a pipe (``--remote-debugging-pipe``: JSON messages, NUL
separated, on file descriptors 3 and 4), so the test needs no extra Python
package and opens no port. The page is loaded from a ``file://`` URL; every
network request and console message is recorded while it loads and while the
table is sorted, and a screenshot is saved under pytest's tmp dir.

Run as a script it checks any page and saves the screenshot where told:

    python -m tests.test_daily_browser brief.html screenshot.png
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; .ci/run does)"
    ),
]


@dataclass
class PageReport:
    """What a page did while it was open."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


class Chromium:
    """A headless Chromium with a fresh profile, driven over the DevTools pipe."""

    def __init__(self, binary: str, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="daily-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        # The browser reads fd 3 and writes fd 4; move our ends out of the way of those numbers first.
        keep_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD_CLOEXEC, 10)
        keep_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD_CLOEXEC, 10)
        os.close(to_browser_r)
        os.close(from_browser_w)

        def as_fds_3_and_4() -> None:
            os.dup2(keep_r, 3)
            os.dup2(keep_w, 4)

        self.process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4),
            preexec_fn=as_fds_3_and_4,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(keep_r)
        os.close(keep_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        """Call a DevTools method and wait for its result (events that arrive meanwhile are kept)."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        reply = self.wait(lambda m: m.get("id") == self._next_id)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return dict(reply.get("result", {}))

    def wait(self, done: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if done(message):
                    return dict(message)
            ready, _, _ = select.select([self._from_browser], [], [], 0.2)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the DevTools pipe")
                self._buffer += chunk
        raise TimeoutError("no answer from chromium")

    def close(self) -> None:
        try:
            self.send("Browser.close")
            self.process.wait(timeout=10)
        except (RuntimeError, TimeoutError, OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait(timeout=10)
        finally:
            os.close(self._to_browser)
            os.close(self._from_browser)
            shutil.rmtree(self.profile, ignore_errors=True)


#: What the page shows, read in the page itself.
_PROBE = """(() => {
  const rows = Array.from(document.querySelectorAll('#incidents tbody tr'));
  const ids = () => Array.from(document.querySelectorAll('#incidents tbody tr')).map(r => r.dataset.id);
  const before = ids();
  const killed = Array.from(document.querySelectorAll('#incidents thead th'))
    .find(th => th.textContent === 'Killed');
  if (killed) { killed.click(); }
  const ascending = ids();
  const charts = Array.from(document.querySelectorAll('svg.chart')).map(svg => ({
    id: svg.id, bars: svg.querySelectorAll('rect').length, width: svg.getBoundingClientRect().width}));
  return {title: document.title, rows: rows.length, order: before, sortedByKilled: ascending,
          rowText: rows.map(r => r.innerText), charts: charts,
          summary: document.querySelectorAll('#summary .sentence').length,
          sources: document.querySelectorAll('ol.sources li').length};
})()"""


def inspect_page(page: Path, screenshot: Path, binary: str | None = CHROMIUM) -> PageReport:
    """Load ``page`` in headless Chromium, record requests and console errors, probe it, screenshot it."""
    if binary is None:
        raise RuntimeError("chromium is not installed")
    browser = Chromium(binary)
    report = PageReport()
    url = page.resolve().as_uri()
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            browser.send(f"{domain}.enable", session=session)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1280, "height": 1600, "deviceScaleFactor": 1, "mobile": False},
            session=session,
        )
        start = len(browser.events)
        browser.send("Page.navigate", {"url": url}, session=session)
        browser.wait(lambda m: m.get("method") == "Page.loadEventFired")
        shot = browser.send(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True}, session=session
        )
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        probe = browser.send(
            "Runtime.evaluate", {"expression": _PROBE, "returnByValue": True}, session=session
        )
        report.values = dict(probe["result"].get("value") or {})
        browser.send(
            "Runtime.evaluate", {"expression": "1", "returnByValue": True}, session=session
        )  # drain events
        for event in browser.events[start:]:
            method, params = event["method"], event.get("params", {})
            if method == "Network.requestWillBeSent" and params["request"]["url"] != url:
                report.requests.append(params["request"]["url"])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in {"error", "assert"}:
                report.console_errors.append(
                    " ".join(str(a.get("value", a.get("description"))) for a in params["args"])
                )
            elif method == "Runtime.exceptionThrown":
                report.console_errors.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
                report.console_errors.append(params["entry"]["text"])
    finally:
        browser.close()
    return report


def _daily_page(path: Path) -> Path:
    from summarize.daily import to_html
    from tests.test_daily_render import day_one

    path.write_text(to_html(day_one(), explain=True), encoding="utf-8")
    return path


def test_the_daily_page_shows_its_incidents_and_charts_offline(tmp_path: Path) -> None:
    screenshot = tmp_path / "daily-brief.png"
    report = inspect_page(_daily_page(tmp_path / "brief.html"), screenshot)
    print(f"screenshot: {screenshot}")
    assert report.requests == []
    assert report.console_errors == []
    values = report.values
    assert values["title"] == "Daily brief: 2024-03-05"
    assert values["rows"] == 2 and values["order"] == ["I1", "I2"]
    assert any("Kabul" in text and "8" in text for text in values["rowText"])
    assert values["sortedByKilled"] == ["I2", "I1"]  # ascending: 3 killed before 8
    assert {c["id"] for c in values["charts"]} == {"chart-type", "chart-country"}
    assert all(c["bars"] >= 1 and c["width"] > 100 for c in values["charts"])
    assert values["summary"] >= 1 and values["sources"] == 3
    assert screenshot.read_bytes().startswith(b"\x89PNG") and screenshot.stat().st_size > 10_000


def test_the_checks_do_catch_requests_and_console_errors(tmp_path: Path) -> None:
    """A control: a page that fetches and logs an error must fail the same checks."""
    page = tmp_path / "leaky.html"
    page.write_text(
        '<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/x.png">'
        '<script>console.error("boom"); undefinedFunction();</script></body></html>',
        encoding="utf-8",
    )
    report = inspect_page(page, tmp_path / "leaky.png")
    assert report.requests == ["http://127.0.0.1:9/x.png"]
    assert "boom" in report.console_errors
    assert any("undefinedFunction" in e or "Uncaught" in e for e in report.console_errors)


if __name__ == "__main__":  # pragma: no cover - used to check a real brief and keep its screenshot
    checked = inspect_page(Path(sys.argv[1]), Path(sys.argv[2]))
    print(
        json.dumps(
            {"requests": checked.requests, "console_errors": checked.console_errors, **checked.values},
            indent=2,
        )
    )
    sys.exit(1 if checked.requests or checked.console_errors else 0)
