"""The Calendly token entered on Settings (SPEC 13): saved through one instance, it is used by every
other from its next request, and the other's periodic reconcile starts without a restart; removed
through that other, every instance stops using it at once. Two `crm serve` processes on one
PostgreSQL, no token in the environment, Calendly played by the sandbox."""
import time

import requests
from prometheus_client.parser import text_string_to_metric_families

from crm_server import CRMServer
from harness import SANDBOX_TOKEN, Sandbox
from test_instances import Browser


def calendly_config(base: str, server: CRMServer) -> dict:
    answer = requests.get(f"{base}/api/calendar/config/calendly", headers=server.api.headers, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()


def last_reconcile(base: str, server: CRMServer) -> float:
    """When a reconcile with Calendly last succeeded (on any instance: it is kept in the database)."""
    answer = requests.get(f"{base}/metrics", headers=server.api.headers, timeout=30)
    assert answer.status_code == 200, answer.text
    families = {family.name: family for family in text_string_to_metric_families(answer.text)}
    return families["crm_reconcile_last_success_timestamp_seconds"].samples[0].value


def test_a_token_entered_on_one_instance_is_used_by_every_other_at_once(postgres_url):
    sandbox = Sandbox()
    instances: list[CRMServer] = []
    try:
        env = {"DATABASE_URL": postgres_url, "CALENDLY_API_BASE_URL": sandbox.base}
        # A never reconciles on its own, so a reconcile after the save can only be B's.
        first = CRMServer(env={**env, "CALENDLY_SYNC_INTERVAL": "0"})
        instances = [first, CRMServer(env={**env, "CALENDLY_SYNC_INTERVAL": "1"}, token=first.token)]
        a, b = (instance.base for instance in instances)
        for base in (a, b):
            assert calendly_config(base, first)["configured"] is False
            assert last_reconcile(base, first) == 0

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

        # B had no token at start-up and learns of it only through the database; it reconciles now.
        deadline = time.monotonic() + 30
        while last_reconcile(b, first) == 0:
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
