"""A rolling restart (SPEC 13): three instances on one PostgreSQL behind nginx, and while the
sandbox's webhooks and API clients keep coming through nginx, each instance in turn is stopped
with SIGTERM (as systemd stops it) and started again. A stopping instance stops listening first,
so nginx takes new connections elsewhere and no request is turned away with a 503; a client's
POST gets a 502 only in the case nginx's error log names (a kept-alive connection closed just as
nginx sent the POST on it, which nginx never sends twice); every delivery the app acknowledged is
stored, and the end state is the sandbox's truth. The instances have no Calendly
token, so no reconcile can repair a lost delivery: the webhooks alone must do it."""
import subprocess
import threading
import time
import uuid
from collections import Counter
from datetime import datetime, timezone

import requests

from crm_server import CRMServer
from harness import (SIGNING_KEY, SOAK, Sandbox, compare_with_truth, generate_traffic, report, wait_until_every_delivery_accepted,
                     webhooks_made)
from test_instances import Front, Nginx

OPERATIONS = 1_200 if SOAK else 300
ROUNDS = 3 if SOAK else 1


def probe_until(front: Front, stop: threading.Event, seen: list, created: list) -> None:
    """One API client through nginx: reads the upcoming list and adds a student, over and over."""
    while not stop.is_set():
        try:
            seen.append(("GET", requests.get(f"{front.base}/api/calendar/meetings/upcoming", headers=front.api.headers, timeout=20).status_code))
            name = f"Restart Probe {uuid.uuid4().hex[:12]}"
            answer = requests.post(f"{front.base}/api/students", json={"name": name}, headers=front.api.headers, timeout=20)
            seen.append(("POST", answer.status_code))
            if answer.status_code == 201:
                created.append(name)
        except requests.RequestException as error:
            seen.append(("error", str(error)[:200]))
        time.sleep(0.02)


def psql(url: str, query: str) -> str:
    return subprocess.run(["psql", url, "-Atqc", query], check=True, capture_output=True, text=True).stdout.strip()


def test_rolling_restart_loses_nothing(postgres_url):
    sandbox = Sandbox("--retry-schedule", "1,2,2,3,3,5,5,5,5,5,10,10,10,10,10,10")
    env = {"DATABASE_URL": postgres_url, "CALENDLY_WEBHOOK_SECRET": SIGNING_KEY, "TRUSTED_PROXIES": "127.0.0.1/32"}
    instances: list[CRMServer] = []
    nginx = None
    try:
        first = CRMServer(env=env)
        instances.append(first)
        for _ in range(2):
            instances.append(CRMServer(env=env, token=first.token))
        nginx = Nginx([instance.port for instance in instances])
        front = Front(nginx.base, first.token)
        me = sandbox.api.get(f"{sandbox.base}/users/me").json()["resource"]
        assert sandbox.api.post(f"{sandbox.base}/webhook_subscriptions", json={
            "url": f"{nginx.base}/api/calendar/webhook/calendly", "organization": me["current_organization"], "scope": "organization",
            "signing_key": SIGNING_KEY,
            "events": ["invitee.created", "invitee.canceled", "invitee_no_show.created", "invitee_no_show.deleted"]}).status_code == 201

        stop, probes, created = threading.Event(), [], []
        probers = [threading.Thread(target=probe_until, args=(front, stop, probes, created)) for _ in range(3)]
        done: dict = {}
        traffic = threading.Thread(target=lambda: done.update(generate_traffic(sandbox, OPERATIONS)))
        for prober in probers:
            prober.start()
        traffic.start()
        stops = []
        time.sleep(1)
        restarts_began = datetime.now(timezone.utc)
        for _ in range(ROUNDS):
            for instance in instances:
                stops.append(instance.restart())
                time.sleep(1)
        restarts_ended = datetime.now(timezone.utc)
        traffic.join()
        stop.set()
        for prober in probers:
            prober.join()

        assert done, "the sandbox's traffic did not finish"
        log = wait_until_every_delivery_accepted(sandbox, webhooks_made(done))
        ids = {a["delivery_id"] for a in log}
        during = [a for a in log if restarts_began <= datetime.fromisoformat(a["at"].replace("Z", "+00:00")) <= restarts_ended]
        delivery_statuses = sorted({a["status_code"] for a in log}, key=str)
        answers = Counter(a["status_code"] for a in log)
        acknowledged = sum(1 for a in log if a["status_code"] == 200)
        stored = int(psql(postgres_url, "SELECT count(*) FROM webhook_deliveries"))
        checked, problems = compare_with_truth(front, sandbox.truth(), only={a["invitee_uri"] for a in log})
        probe_statuses = sorted({status for _, status in probes}, key=str)
        probe_answers = Counter(status for _, status in probes)
        names = psql(postgres_url, "SELECT name FROM students WHERE name LIKE 'Restart Probe %'").splitlines()
        exit_codes = [code for instance in instances for code in getattr(instance, "exit_codes", [])]
        broken = [line for line in (nginx.dir / "error.log").read_text().splitlines()
                  if "prematurely closed" in line or "reset by peer" in line]
        report("rolling restart of 3 instances behind nginx", checked - len(problems), len(problems), [
            f"{len(stops)} restarts by SIGTERM; stops took {min(stops):.2f}-{max(stops):.2f} s; exit codes {sorted(set(exit_codes))}",
            f"{len(ids)} deliveries in {len(log)} attempts, {len(during)} of them while instances restarted; "
            f"answers {dict(sorted(answers.items(), key=str))}",
            f"{acknowledged} attempts acknowledged with 200, {stored} deliveries stored",
            f"API requests: {len(probes)}, answers {dict(sorted(probe_answers.items(), key=str))}; {len(created)} students created, {len(names)} stored",
            f"nginx's error log: {len(broken)} requests met a connection the stopping instance closed "
            "(nginx sends a GET or a webhook on to the next instance)", *broken[:5],
            f"compared {checked} invitees with the sandbox's truth: {len(problems)} differences", *problems[:10]])
        assert len(during) >= 50, "too little traffic met the restarts to show anything"
        assert set(delivery_statuses) <= {200, 503}, delivery_statuses
        # nginx passes on a 502 for a POST other than a webhook when the instance closed a kept-alive
        # connection just as nginx sent the POST on it (it never sends such a request twice); the
        # error log names each. Anything else is the app's fault, and so is a 503: an instance
        # stops listening before anything else, so it never admits a request it must turn away.
        races = [line for line in broken if "POST /api/students" in line]
        post_502 = sum(1 for method, status in probes if method == "POST" and status == 502)
        assert set(probe_statuses) <= {200, 201, 502}, [p for p in probes if p[1] not in (200, 201, 502)][:5]
        assert not any(method == "GET" and status == 502 for method, status in probes)
        assert post_502 <= len(races), (post_502, races)
        assert stored == acknowledged
        assert sorted(names) == sorted(created)
        assert set(exit_codes) == {0}
        assert not problems
    finally:
        if nginx:
            nginx.stop()
        for instance in instances:
            instance.stop()
        sandbox.stop()
