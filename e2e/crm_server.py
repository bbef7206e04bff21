"""Starts the real `crm` binary on a fresh SQLite file and a free loopback port, with the owner
account and an API token, for the Python tests (browser, OpenAPI conformance)."""
import os
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import requests

REPO_ROOT = Path(__file__).resolve().parents[1]
OWNER_EMAIL = "owner@example.com"
OWNER_PASSWORD = "a fine long password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def crm_binary() -> Path:
    binary = Path(os.environ.get("CRM_BIN", REPO_ROOT / ".build/debug/crm"))
    if not binary.exists():
        raise RuntimeError(f"crm binary not found at {binary}; run `swift build`")
    return binary


class CRMServer:
    """A running `crm serve`. `extra_args` go to `serve` (e.g. `--calendly-sandbox`)."""

    def __init__(self, *extra_args: str, env: dict | None = None, token: str | None = None):
        """`token`: another instance on the same database made the owner and this API token."""
        self.dir = tempfile.TemporaryDirectory(prefix="crm-test-")
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "DATABASE_URL": f"sqlite:{self.dir.name}/crm.sqlite",
                    "PUBLIC_BASE_URL": self.base, "LOG_LEVEL": "warning", **(env or {})}
        for key in [k for k in self.env if k.startswith("CALENDLY_") and k not in (env or {})]:
            del self.env[key]
        if token:
            self.token = token
        else:
            self.run("user", "create", "--email", OWNER_EMAIL, "--time-zone", "Europe/Berlin", input=OWNER_PASSWORD + "\n")
            self.token = self.run("token", "create", "--name", "python tests").strip().splitlines()[-1]
        self.extra_args = extra_args
        self.log = open(Path(self.dir.name) / "serve.log", "w+")
        self.start()
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"Bearer {self.token}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [str(crm_binary()), "serve", "--port", str(self.port), *self.extra_args],
            cwd=REPO_ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait_until_up()

    def restart(self) -> float:
        """SIGTERM, as systemd stops a service, then start again on the same port; returns the
        seconds the stop took."""
        started = time.monotonic()
        self.process.terminate()
        self.process.wait(timeout=30)
        stopped = time.monotonic() - started
        self.exit_codes = [*getattr(self, "exit_codes", []), self.process.returncode]
        self.start()
        return stopped

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush; what a crash or a power cut leaves."""
        self.process.kill()
        self.process.wait(timeout=10)

    def run(self, *args: str, input: str | None = None) -> str:
        result = subprocess.run([str(crm_binary()), *args], cwd=REPO_ROOT, env=self.env, input=input,
                                capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"crm {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def _wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"crm serve exited early ({self.process.returncode}):\n{self.output()}")
            try:
                if requests.get(f"{self.base}/api/health", timeout=2).status_code == 200:
                    return
            except (requests.ConnectionError, requests.Timeout):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"crm serve did not answer within {timeout}s:\n{self.output()}")

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self) -> None:
        self.stop_process()
        self.dir.cleanup()

    def stop_process(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()
