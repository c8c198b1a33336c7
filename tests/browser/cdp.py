#!/usr/bin/env python3
"""Drives headless Chromium over the DevTools protocol (on a pipe: no port,
no websocket library) through a scenario of steps, and prints what happened
as one JSON object.

    cdp.py SCENARIO.json   ->   {"results": [...], "requests": [...], "errors": [...]}

A scenario is {"url": "file:///…", "width": 1400, "height": 900, "steps": [...]};
each step is one of
    {"do": "eval", "js": "…"}                       the expression's value
    {"do": "type", "selector": "#f-q", "text": "…"}  focus, then insert text as typed
    {"do": "select", "selector": "#f-type", "value": "…"}  choose an option (change event)
    {"do": "key", "key": "j"}                        a key press (keyDown/keyUp)
    {"do": "click", "selector": "#f-reset"}          a mouse click on the element's centre
    {"do": "navigate", "url": "…"}                   load a URL and wait for it
    {"do": "screenshot", "path": "…", "full": true}  a PNG of the page
"requests" lists every request the page made to anything but its own file
(data: URLs aside); "errors" every console error, uncaught exception and
log entry of level error. Exits 2 when Chromium cannot be driven.
"""
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


class Browser:
    def __init__(self, width, height):
        exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if exe is None:
            raise SystemExit("cdp.py: no chromium on PATH (scripts/setup.sh installs Debian's)")
        self.profile = tempfile.mkdtemp(prefix="rsbench-chromium-")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Above 4, so that placing one on 3 or 4 cannot overwrite the other.
        high_r = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
        high_w = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)

        def fds():
            # Chromium reads commands on fd 3 and writes answers on fd 4.
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            [
                exe,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--metrics-recording-only",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            preexec_fn=fds,
            pass_fds=(3, 4),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for fd in (to_chrome_r, from_chrome_w, high_r, high_w):
            os.close(fd)
        self.buffer = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def close(self):
        try:
            self.send("Browser.close", session=False, wait=False)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        shutil.rmtree(self.profile, ignore_errors=True)

    def _read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.time()
            if left <= 0 or not select.select([self.from_chrome], [], [], left)[0]:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self.from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        if os.environ.get("CDP_DEBUG"):
            print(message[:300].decode(errors="replace"), file=sys.stderr)
        return json.loads(message)

    def send(self, method, params=None, session=True, wait=True, timeout=60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        if not wait:
            return None
        deadline = time.time() + timeout
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m.get("result", {})
            self.events.append(m)

    def wait_event(self, method, timeout=60):
        deadline = time.time() + timeout
        for i, e in enumerate(self.events):
            if e.get("method") == method:
                return self.events.pop(i)
        while True:
            m = self._read_message(deadline)
            if m.get("method") == method:
                return m
            self.events.append(m)


def main():
    scenario = json.load(open(sys.argv[1], encoding="utf-8"))
    browser = Browser(scenario.get("width", 1400), scenario.get("height", 900))
    seen = []  # every event, in order, for requests and errors
    try:
        target = browser.send("Target.createTarget", {"url": "about:blank"}, session=False)
        attached = browser.send("Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}, session=False)
        browser.session = attached["sessionId"]
        for domain in ["Page", "Runtime", "Network", "Log"]:
            browser.send(f"{domain}.enable")
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            {"width": scenario.get("width", 1400), "height": scenario.get("height", 900), "deviceScaleFactor": 1, "mobile": False},
        )

        def navigate(url):
            # Through about:blank, so a URL that differs only in its fragment
            # is a fresh load (as opening a permalink is), not a jump.
            browser.send("Page.navigate", {"url": "about:blank"})
            browser.wait_event("Page.loadEventFired")
            browser.send("Page.navigate", {"url": url})
            browser.wait_event("Page.loadEventFired")

        def evaluate(js):
            r = browser.send("Runtime.evaluate", {"expression": js, "returnByValue": True, "awaitPromise": True})
            if "exceptionDetails" in r:
                raise RuntimeError(f"evaluating {js!r}: {r['exceptionDetails'].get('text')}")
            return r["result"].get("value")

        navigate(scenario["url"])
        results = []
        for step in scenario["steps"]:
            kind = step["do"]
            if kind == "eval":
                results.append(evaluate(step["js"]))
            elif kind == "type":
                evaluate(f"document.querySelector({json.dumps(step['selector'])}).focus()")
                browser.send("Input.insertText", {"text": step["text"]})
                results.append(None)
            elif kind == "select":
                sel = json.dumps(step["selector"])
                val = json.dumps(step["value"])
                evaluate(
                    f"(() => {{ const e = document.querySelector({sel}); e.value = {val};"
                    f" e.dispatchEvent(new Event('change', {{bubbles: true}})); return e.value; }})()"
                )
                results.append(None)
            elif kind == "key":
                key = step["key"]
                codes = {"ArrowDown": 40, "ArrowUp": 38, "ArrowLeft": 37, "ArrowRight": 39, "Enter": 13, "Escape": 27}
                down = {"type": "keyDown", "key": key}
                if key in codes:
                    down["windowsVirtualKeyCode"] = codes[key]
                    if key == "Enter":
                        down["text"] = "\r"
                else:
                    down["text"] = key
                browser.send("Input.dispatchKeyEvent", down)
                browser.send("Input.dispatchKeyEvent", {"type": "keyUp", "key": key})
                results.append(None)
            elif kind == "click":
                sel = json.dumps(step["selector"])
                box = evaluate(
                    f"(() => {{ const e = document.querySelector({sel}); e.scrollIntoView({{block: 'center'}});"
                    f" const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()"
                )
                for t in ("mousePressed", "mouseReleased"):
                    browser.send("Input.dispatchMouseEvent", {"type": t, "x": box[0], "y": box[1], "button": "left", "clickCount": 1})
                results.append(None)
            elif kind == "navigate":
                navigate(step["url"])
                results.append(None)
            elif kind == "screenshot":
                shot = browser.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": bool(step.get("full"))})
                with open(step["path"], "wb") as f:
                    f.write(base64.b64decode(shot["data"]))
                results.append(step["path"])
            else:
                raise SystemExit(f"cdp.py: unknown step {kind!r}")
        # Let late events (a deferred request, an error in a handler) arrive.
        browser.send("Runtime.evaluate", {"expression": "new Promise(r => setTimeout(r, 200))", "awaitPromise": True})
        seen = browser.events
    finally:
        browser.close()

    requests, errors = [], []
    for e in seen:
        method, p = e.get("method"), e.get("params", {})
        if method == "Network.requestWillBeSent":
            url = p["request"]["url"]
            if not (url.startswith("file://") or url.startswith("data:")):
                requests.append(url)
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            errors.append("exception: " + (d.get("exception", {}).get("description") or d.get("text", "")))
        elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            errors.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", [])))
        elif method == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
            errors.append("log: " + p["entry"].get("text", ""))
    print(json.dumps({"results": results, "requests": requests, "errors": errors}, ensure_ascii=False))


if __name__ == "__main__":
    try:
        main()
    except (RuntimeError, TimeoutError, OSError) as e:
        print(f"cdp.py: {e}", file=sys.stderr)
        sys.exit(2)
