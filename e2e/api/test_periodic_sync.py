"""`crm serve` reconciles with Calendly by itself while a token is configured (SPEC 4.4): started
against the sandbox, its demo bookings become consultations without any webhook or click."""
import time

from crm_server import CRMServer, free_port


def test_serve_reconciles_on_its_own():
    crm = CRMServer("--calendly-sandbox", "--sandbox-port", str(free_port()))
    try:
        deadline = time.monotonic() + 30
        total = 0
        while time.monotonic() < deadline and total < 10:
            # Only bookings count: a fresh sandbox database also gets the demo notebook's meetings.
            listed = crm.api.get(f"{crm.base}/api/consultations", params={"limit": 500}).json()["consultations"]
            total = sum(1 for c in listed if c["calendly_invitee_uri"])
            time.sleep(0.5)
        assert total >= 10, f"no consultations from Calendly after 30 s; log:\n{crm.output()[-2000:]}"
    finally:
        crm.stop()


def test_a_fresh_sandbox_shows_something_in_every_section_of_today():
    """The demo notebook and the sandbox's bookings together: a newcomer sees what Today is for."""
    crm = CRMServer("--calendly-sandbox", "--sandbox-port", str(free_port()))
    try:
        deadline = time.monotonic() + 30
        today = {}
        while time.monotonic() < deadline:
            today = crm.api.get(f"{crm.base}/api/today").json()
            if today["meetings"] and today["changes"]:
                break
            time.sleep(0.5)
        for section in ("meetings", "needs_notes", "follow_ups_due", "attention", "changes", "booking_links"):
            assert today[section], f"Today's {section} is empty: {today}"
        assert any(week["held"] for week in today["attendance"]) and any(week["canceled"] or week["no_show"] for week in today["attendance"])
        assert "Priya Natarajan" in [quiet["name"] for quiet in today["attention"]]
    finally:
        crm.stop()
