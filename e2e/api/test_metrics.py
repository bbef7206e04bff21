"""`GET /metrics` (SPEC 13): the Prometheus text format behind an API token, read with a real
Prometheus parser (`prometheus_client`), and moved by what it counts: a webhook delivery, a
reconcile, and a request to Calendly (here the built-in sandbox, over real HTTP)."""
import time

import requests
from prometheus_client.parser import text_string_to_metric_families

from crm_server import CRMServer, free_port


def scrape(crm) -> dict:
    """Every sample, keyed by (name, sorted labels): the whole body must parse."""
    answer = crm.api.get(f"{crm.base}/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"].startswith("text/plain; version=0.0.4")
    samples = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def total(samples: dict, name: str, **labels) -> float:
    return sum(value for (sample, sample_labels), value in samples.items()
               if sample == name and all(dict(sample_labels).get(k) == v for k, v in labels.items()))


def test_metrics_need_a_token_parse_and_move_with_deliveries_reconciles_and_calendly_calls():
    crm = CRMServer("--calendly-sandbox", "--sandbox-port", str(free_port()))
    try:
        assert requests.get(f"{crm.base}/metrics").status_code == 401
        assert requests.get(f"{crm.base}/metrics", headers={"Authorization": "Bearer crm_wrong"}).status_code == 401

        before = scrape(crm)
        assert total(before, "crm_calendly_configured") == 1
        for gauge in ("crm_consultations_upcoming", "crm_webhook_last_delivery_timestamp_seconds",
                      "crm_webhook_deliveries_failed", "crm_reconcile_last_success_timestamp_seconds",
                      "crm_search_pending", "crm_search_index_merging"):
            assert any(name == gauge for name, _ in before), gauge

        # A booking made from the app: requests to Calendly, then Calendly's webhook back.
        student = crm.api.post(f"{crm.base}/api/students", json={"name": "Ola Nordmann", "email": "ola@student.example"}).json()
        event_type = crm.api.get(f"{crm.base}/api/calendar/config/calendly").json()["event_types"][0]["uri"]
        times = crm.api.get(f"{crm.base}/api/calendar/event-types/available-times", params={"event_type": event_type}).json()["times"]
        booked = crm.api.post(f"{crm.base}/api/calendar/meetings/book",
                              json={"student_id": student["id"], "event_type": event_type, "start_time": times[-1]["start_time"]})
        assert booked.status_code == 201, booked.text
        deadline = time.monotonic() + 20
        after = scrape(crm)
        while time.monotonic() < deadline and total(after, "crm_webhook_deliveries_total") <= total(before, "crm_webhook_deliveries_total"):
            time.sleep(0.3)
            after = scrape(crm)
        assert total(after, "crm_webhook_deliveries_total") > total(before, "crm_webhook_deliveries_total"), crm.output()[-2000:]
        assert time.time() - total(after, "crm_webhook_last_delivery_timestamp_seconds") < 120
        assert total(after, "crm_calendly_requests_total", method="POST", status="2xx") > total(before, "crm_calendly_requests_total", method="POST", status="2xx")
        assert total(after, "crm_calendly_request_duration_seconds_count") > total(before, "crm_calendly_request_duration_seconds_count")

        # A reconcile asked for now.
        synced = crm.api.post(f"{crm.base}/api/calendar/meetings/sync")
        assert synced.status_code == 200, synced.text
        last = scrape(crm)
        assert total(last, "crm_reconcile_runs_total", outcome="succeeded") > total(after, "crm_reconcile_runs_total", outcome="succeeded")
        assert time.time() - total(last, "crm_reconcile_last_success_timestamp_seconds") < 120
        assert total(last, "crm_calendly_subscription_active") == 1
        # Vapor's own HTTP series share the registry.
        assert total(last, "http_requests_total") > 0
    finally:
        crm.stop()
