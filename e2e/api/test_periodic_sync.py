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
            total = crm.api.get(f"{crm.base}/api/consultations").json()["total"]
            time.sleep(0.5)
        assert total >= 10, f"no consultations after 30 s; log:\n{crm.output()[-2000:]}"
    finally:
        crm.stop()
