#!/usr/bin/env python3
"""Screenshots of a report's index.html through headless Chromium, the whole page at each width.

Usage: Scripts/screenshot-report.py BROWSER REPORT_DIR OUT_DIR WIDTH...   (run by Scripts/screenshot-report.sh)

Chromium's --screenshot flag shoots only a window of a fixed size, which cut long reports off. This drives
the browser over the DevTools protocol on a pipe (--remote-debugging-pipe: requests on fd 3, answers on fd 4,
each a JSON text ended by a NUL byte; Python's standard library only), asks for the laid-out page's height
and captures all of it. For each width it writes OUT_DIR/report-WIDTH-top.png (the first 1000 px) and
OUT_DIR/report-WIDTH-full.png (the whole page; above 16,000 px high, in parts -full-1.png, -full-2.png, ...,
since Chromium does not capture taller images).
"""

import base64
import fcntl
import json
import os
import pathlib
import subprocess
import sys
import tempfile

PART = 16000


class Browser:
    def __init__(self, executable, profile):
        # Both pipes above fd 10 first, so placing the browser's ends at 3 and 4 clobbers neither.
        ends = []
        for fd in (*os.pipe(), *os.pipe()):
            ends.append(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10))
            os.close(fd)
        to_browser_r, self.to_browser, self.from_browser, from_browser_w = ends
        # Chromium reads requests from fd 3 and writes answers to fd 4.
        os.dup2(to_browser_r, 3)
        os.dup2(from_browser_w, 4)
        # --no-sandbox: CI containers run as root; the page is a local file and nothing is fetched.
        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--disable-dev-shm-usage", "--force-device-scale-factor=1", "--remote-debugging-pipe",
             f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for fd in (3, 4, to_browser_r, from_browser_w):
            os.close(fd)
        self.buffer = b""
        self.next_id = 0

    def receive(self):
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise SystemExit("error: chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method, params=None, session=None, until_event=None):
        """Sends a command and returns its result; with until_event, also waits for that event."""
        self.next_id += 1
        request = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            request["sessionId"] = session
        os.write(self.to_browser, json.dumps(request).encode() + b"\0")
        result, seen = None, until_event is None
        while result is None or not seen:
            message = self.receive()
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise SystemExit(f"error: {method}: {message['error'].get('message')}")
                result = message["result"]
            elif message.get("method") == until_event:
                seen = True
        return result

    def close(self):
        try:
            self.call("Browser.close")
        except SystemExit:
            pass
        self.process.wait(timeout=30)


def shoot(browser, url, width, out):
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    browser.call("Page.enable", session=session)
    browser.call("Emulation.setDeviceMetricsOverride",
                 {"width": width, "height": 1000, "deviceScaleFactor": 1, "mobile": False}, session=session)
    browser.call("Page.navigate", {"url": url}, session=session, until_event="Page.loadEventFired")
    size = browser.call("Page.getLayoutMetrics", session=session)["cssContentSize"]
    height = int(size["height"] + 0.999)

    def capture(y, h, path):
        data = browser.call("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": y, "width": width, "height": h, "scale": 1}}, session=session)["data"]
        path.write_bytes(base64.b64decode(data))
        print(f"wrote {path} ({width}x{h})")

    capture(0, min(height, 1000), out / f"report-{width}-top.png")
    if height <= PART:
        capture(0, height, out / f"report-{width}-full.png")
    else:
        for part, y in enumerate(range(0, height, PART), start=1):
            capture(y, min(PART, height - y), out / f"report-{width}-full-{part}.png")
    browser.call("Target.closeTarget", {"targetId": target})


def main():
    if len(sys.argv) < 5:
        raise SystemExit(__doc__.strip().splitlines()[2])
    executable, report, out = sys.argv[1], pathlib.Path(sys.argv[2]).resolve(), pathlib.Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        browser = Browser(executable, profile)
        try:
            for width in sys.argv[4:]:
                shoot(browser, (report / "index.html").as_uri(), int(width), out)
        finally:
            browser.close()


if __name__ == "__main__":
    main()
