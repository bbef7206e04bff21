"""Fixtures for the sandbox's Python tests: a running `calendly-sandbox` binary on a free
loopback port, and a webhook receiver. The binary is `.build/debug/calendly-sandbox` unless
SANDBOX_BIN names another."""
import json
import os
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

REPO_ROOT = Path(__file__).resolve().parents[2]
TOKEN = "sandbox-test-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sandbox:
    """A sandbox process and an authorized session against it."""

    def __init__(self, *extra_args: str):
        binary = Path(os.environ.get("SANDBOX_BIN", REPO_ROOT / ".build/debug/calendly-sandbox"))
        if not binary.exists():
            pytest.fail(f"sandbox binary not found at {binary}; run `swift build --product calendly-sandbox`")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.token = TOKEN
        self.process = subprocess.Popen(
            [str(binary), "--port", str(self.port), "--seed", "42", "--api-token", TOKEN, *extra_args],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {TOKEN}"
        self._wait_until_up()

    def _wait_until_up(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                out = self.process.stdout.read().decode(errors="replace") if self.process.stdout else ""
                pytest.fail(f"sandbox exited early ({self.process.returncode}):\n{out}")
            try:
                requests.get(f"{self.base}/_sandbox/truth", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        pytest.fail("sandbox did not start in time")

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    def get(self, path: str, **kw):
        return self.session.get(self.url(path), timeout=10, **kw)

    def post(self, path: str, body=None, **kw):
        return self.session.post(self.url(path), json=body, timeout=10, **kw)

    def delete(self, path: str, **kw):
        return self.session.delete(self.url(path), timeout=10, **kw)

    def control(self, method: str, path: str, body=None):
        return requests.request(method, self.base + "/_sandbox" + path, json=body, timeout=10)

    def me(self) -> dict:
        return self.get("/users/me").json()["resource"]

    def book(self, **fields) -> dict:
        body = {"event_type": "consultation-30", "name": "Py Student", "email": "py@student.example", **fields}
        answer = self.control("POST", "/bookings", body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.session.close()


@pytest.fixture(scope="module")
def sandbox():
    running = Sandbox()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def free_plan_sandbox():
    running = Sandbox("--free-plan")
    yield running
    running.stop()


class Receiver:
    """Collects webhook deliveries on a loopback port."""

    def __init__(self):
        self.deliveries: list[dict] = []
        received = self.deliveries

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                received.append({"raw": raw, "json": json.loads(raw),
                                 "signature": self.headers.get("Calendly-Webhook-Signature")})
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, count: int, timeout: float = 10) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.deliveries) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return list(self.deliveries)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.stop()


@pytest.fixture
def driver():
    """Headless Chromium, for the tests that book in a browser."""
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(flag)
    browser = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    yield browser
    browser.quit()
