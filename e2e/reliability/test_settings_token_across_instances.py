"""The Calendly token entered on Settings (SPEC 13): saved through one instance, it is used by every
other from its next request, and the periodic reconcile starts without a restart; removed through
another, every instance stops using it at once. Two `crm serve` processes on one PostgreSQL, no
token in the environment, Calendly played by the sandbox."""
import time

import requests

from crm_server import CRMServer
from harness import SANDBOX_TOKEN, Sandbox
from test_instances import Browser


def calendly_config(base: str, server: CRMServer) -> dict:
    answer = requests.get(f"{base}/api/calendar/config/calendly", headers=server.api.headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def reconciled(base: str, server: CRMServer) -> bool:
    """Whether this instance has finished a reconcile with Calendly since it started."""
    metrics = requests.get(f"{base}/metrics", headers=server.api.headers, timeout=30).text
    return "crm_reconcile_last_success_timestamp_seconds 0.0" not in metrics


def test_a_token_entered_on_one_instance_is_used_by_every_other_at_once(postgres_url):
    sandbox = Sandbox()
    instances: list[CRMServer] = []
    try:
        env = {"DATABASE_URL": postgres_url, "CALENDLY_API_BASE_URL": sandbox.base, "CALENDLY_SYNC_INTERVAL": "1"}
        first = CRMServer(env=env)
        instances = [first, CRMServer(env=env, token=first.token)]
        a, b = (instance.base for instance in instances)
        for base in (a, b):
            assert calendly_config(base, first)["configured"] is False
            assert not reconciled(base, first)

        # Saved through A: B's next answer uses it, and names the sandbox's user.
        owner = Browser()
        assert owner.sign_in(a).status_code == 303
        assert "Calendly is not connected yet" in owner.get(f"{b}/settings").text
        owner.get(f"{a}/settings")
        saved = owner.post(f"{a}/settings/calendly/token", {"api_token": SANDBOX_TOKEN})
        assert saved.status_code == 200 and "Connected to Calendly" in saved.text, saved.text[-2000:]
        on_b = calendly_config(b, first)
        assert on_b["configured"] is True and on_b["user"] and on_b["event_types"], on_b
        assert "Calendly is not connected yet" not in owner.get(f"{b}/settings").text

        # Neither instance had a token at start-up; one of them reconciles now, without a restart.
        deadline = time.monotonic() + 30
        while not any(reconciled(base, first) for base in (a, b)):
            assert time.monotonic() < deadline, "no reconcile within 30 s of the token being saved"
            time.sleep(0.5)

        # Removed through B: A stops using it at its next answer.
        owner.get(f"{b}/settings")
        removed = owner.post(f"{b}/settings/calendly/token/remove", {})
        assert removed.status_code == 303, removed.text[-2000:]
        assert calendly_config(a, first)["configured"] is False
        assert calendly_config(b, first)["configured"] is False
    finally:
        for instance in instances:
            instance.stop()
        sandbox.stop()
