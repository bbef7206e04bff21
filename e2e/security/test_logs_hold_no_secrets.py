"""Secrets never reach the logs, even at LOG_LEVEL=trace: after a cookie sign-in, a page form post,
cookie and Bearer API calls, the server log holds neither the session cookie, the CSRF token, the
API token nor the password. And `crm token create` at trace or debug still prints the new token
alone on the last line of standard output (and nowhere else), where scripts take it from."""
import subprocess

import pytest

from crm_server import OWNER_PASSWORD, REPO_ROOT, crm_binary
from crm_web import add_consultation, add_student, session_cookie, sign_in, wait_for_log

CRM_ENV = {"LOG_LEVEL": "trace"}


def create_token(crm, log_level: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(crm_binary()), "token", "create", "--name", f"at {log_level}"], cwd=REPO_ROOT,
                          env={**crm.env, "LOG_LEVEL": log_level}, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def token(crm):
    """A token made at LOG_LEVEL=warning (CRMServer made its own at trace, which trace output may spoil)."""
    token = create_token(crm, "warning").stdout.strip().splitlines()[-1]
    crm.api.headers["Authorization"] = f"Bearer {token}"
    return token


def test_the_log_holds_no_cookie_csrf_token_api_token_or_password(crm, token):
    browser, csrf = sign_in(crm)
    student = add_student(crm)
    assert browser.get(f"{crm.base}/api/students").status_code == 200
    assert crm.api.get(f"{crm.base}/api/students").status_code == 200
    consultation = add_consultation(crm, student["id"])
    page_form = {"type": "Review", "topic": "t", "notes": "n", "follow_up_notes": "", "csrf_token": csrf}
    assert browser.post(f"{crm.base}/consultations/{consultation['id']}", data=page_form, allow_redirects=False).status_code == 303
    patch = browser.patch(f"{crm.base}/api/consultations/{consultation['id']}", json={"notes": "m"}, headers={"X-CSRF-Token": csrf})
    assert patch.status_code == 200

    log = wait_for_log(crm, f"PATCH /api/consultations/{consultation['id']}")
    assert "/api/students" in log, "requests are not logged"
    secrets = {"session cookie": session_cookie(browser), "CSRF token": csrf, "API token": token, "password": OWNER_PASSWORD,
               **{f"cookie {c.name}": c.value for c in browser.cookies if c.name != "crm_session"}}
    leaked = [name for name, value in secrets.items() if value in log]
    assert not leaked, f"the log holds the {', '.join(leaked)}"


@pytest.mark.parametrize("log_level", ["trace", "debug"])
def test_token_create_prints_the_token_alone_on_the_last_line(crm, log_level):
    result = create_token(crm, log_level)
    assert result.returncode == 0, result.stderr
    last = result.stdout.rstrip("\n").splitlines()[-1]
    answer = crm.api.get(f"{crm.base}/api/students", headers={"Authorization": f"Bearer {last}"})
    assert answer.status_code == 200, f"the last line of stdout is not a working token: {last[:120]!r}"
    assert (result.stdout + result.stderr).count(last) == 1, "the token is printed more than once"
