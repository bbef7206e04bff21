"""Sessions: anonymous visits store nothing (no row per visitor to fill the database with); signing
in gives a new CSRF token; a session idle longer than SESSION_IDLE_DAYS is refused (checked by
restarting the server under libfaketime with its clock moved on), and a bad SESSION_IDLE_DAYS
stops start-up with a message naming it."""
import email.utils
import os
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from crm_server import REPO_ROOT, crm_binary, free_port
from crm_web import csrf_from, post_sign_in, sign_in, sign_in_page

CRM_ENV = {"SESSION_IDLE_DAYS": "1"}
FAKETIME = shutil.which("faketime")


def session_rows(crm) -> int:
    with sqlite3.connect(f"file:{crm.dir.name}/crm.sqlite?mode=ro", uri=True) as db:
        tables = [name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name LIKE '%session%'")]
        assert tables, "no sessions table"
        return sum(db.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] for table in tables)


def test_anonymous_visits_store_no_session(crm):
    before = session_rows(crm)
    visitor = requests.Session()
    for path in ["/sign-in", "/sign-in?next=/students", "/", "/students", "/calendar", "/css/app.css", "/api/health"]:
        visitor.get(f"{crm.base}{path}", timeout=30)
    visitor.get(f"{crm.base}/sign-in", timeout=30)
    assert session_rows(crm) == before, f"anonymous visits stored {session_rows(crm) - before} session row(s)"


def test_signing_in_changes_the_csrf_token(crm):
    browser, anonymous_csrf = sign_in_page(crm)
    assert post_sign_in(crm, browser, anonymous_csrf).status_code == 303
    signed_in_csrf = csrf_from(browser.get(f"{crm.base}/students", timeout=30).text)
    assert signed_in_csrf != anonymous_csrf


@pytest.mark.parametrize("value", ["0", "abc"])
def test_a_bad_session_idle_days_stops_start_up_naming_it(value):
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {**os.environ, "DATABASE_URL": f"sqlite:{folder}/crm.sqlite", "SESSION_IDLE_DAYS": value}
        with open(Path(folder) / "serve.log", "w+") as log:
            process = subprocess.Popen([str(crm_binary()), "serve", "--port", str(port)], cwd=REPO_ROOT, env=env,
                                       stdout=log, stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + 30
                while process.poll() is None and time.monotonic() < deadline:
                    try:
                        started = requests.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200
                    except requests.ConnectionError:
                        started = False
                    assert not started, f"crm serve started with SESSION_IDLE_DAYS={value}"
                    time.sleep(0.2)
                assert process.poll() not in (None, 0)
                log.seek(0)
                assert "SESSION_IDLE_DAYS" in log.read()
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait()


def restart_at(crm, offset: str | None) -> None:
    """Restarts `crm serve` on the same database and port, under `faketime` when `offset` is given.
    (The `faketime` wrapper, not a bare LD_PRELOAD: libfaketime's own setenv hides argv from Swift.)"""
    if getattr(crm.process, "own_group", False):
        os.killpg(crm.process.pid, signal.SIGTERM)  # the faketime wrapper and the server under it
        crm.process.wait(timeout=20)
        wait_until_group_gone(crm.process.pid)
    else:
        crm.process.terminate()
        crm.process.wait(timeout=20)
    command = [str(crm_binary()), "serve", "--port", str(crm.port)]
    if offset:
        command = [FAKETIME, "-f", offset, *command]
    crm.process = subprocess.Popen(command, cwd=REPO_ROOT, env={**crm.env, "FAKETIME_DONT_FAKE_MONOTONIC": "1"},
                                   stdout=crm.log, stderr=subprocess.STDOUT, start_new_session=True)
    crm.process.own_group = True
    crm._wait_until_up()


def wait_until_group_gone(group: int, timeout: float = 20) -> None:
    """Waits for every process of `group` to end. The faketime wrapper can end before the server
    under it has let go of the port; a server started meanwhile cannot listen there, and the old
    one's last answers would pass for the new one's."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(group, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise RuntimeError(f"process group {group} still running {timeout}s after SIGTERM")


def signed_in(crm, browser) -> bool:
    return browser.get(f"{crm.base}/api/students", timeout=30).status_code == 200


@pytest.mark.skipif(FAKETIME is None, reason="faketime is not installed (Debian package faketime)")
def test_a_session_idle_longer_than_session_idle_days_is_refused(crm):
    browser, _ = sign_in(crm)
    try:
        restart_at(crm, "+12h")
        assert signed_in(crm, browser), "a session used 12 hours ago was refused"
        restart_at(crm, "+60h")
        served = email.utils.parsedate_to_datetime(requests.get(f"{crm.base}/api/health", timeout=10).headers["Date"])
        assert served.timestamp() - time.time() > 59 * 3600, "the server's clock did not move"
        assert not signed_in(crm, browser), "a session idle for 48 hours is still accepted with SESSION_IDLE_DAYS=1"
        fresh, _ = sign_in(crm)
        assert signed_in(crm, fresh), "a new sign-in does not work under the moved clock"
    finally:
        restart_at(crm, None)
