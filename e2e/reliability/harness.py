"""Shared pieces of the reliability suite: a Calendly sandbox process, a webhook collector, a
`crm serve` pointed at the sandbox, traffic generation, and the comparison with the sandbox's truth.

Scale: RELIABILITY_SCALE=soak runs the full sizes (`make soak`); the default is the short form
that `make test` runs."""
import hashlib
import hmac
import json
import os
import random
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from crm_server import REPO_ROOT, CRMServer, free_port

SOAK = os.environ.get("RELIABILITY_SCALE") == "soak"
SIGNING_KEY = "reliability-signing-key"
SANDBOX_TOKEN = "reliability-sandbox-token"


def report(name: str, passed: int, failed: int, details: list[str]) -> None:
    """Prints what a check sent and found, closing with `N passed, N failed`."""
    print(f"\n[{name}]")
    for line in details:
        print(f"  {line}")
    print(f"{name}: {passed} passed, {failed} failed")


class Sandbox:
    """The `calendly-sandbox` binary on a free loopback port."""

    def __init__(self, *args: str):
        binary = Path(os.environ.get("SANDBOX_BIN", REPO_ROOT / ".build/debug/calendly-sandbox"))
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([str(binary), "--port", str(self.port), "--seed", "7", "--api-token", SANDBOX_TOKEN,
                                         "--rate-limit", "1000000", *args], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self.api = requests.Session()
        self.api.headers["Authorization"] = f"Bearer {SANDBOX_TOKEN}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(f"{self.base}/_sandbox/truth", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the sandbox did not start")

    def control(self, method: str, path: str, body=None) -> requests.Response:
        return requests.request(method, f"{self.base}/_sandbox{path}", json=body, timeout=30)

    def misbehave(self, **settings) -> None:
        answer = self.control("POST", "/misbehaviour", {"reset": True, **settings})
        assert answer.status_code == 200, answer.text

    def truth(self) -> list[dict]:
        """Every invitee the sandbox knows, with its event."""
        events = self.control("GET", "/truth").json()["events"]
        return [dict(invitee, scheduled_event=event) for event in events for invitee in event["invitees"]]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


class Collector:
    """Receives the sandbox's webhook deliveries, so tests can replay them with their own timing."""

    def __init__(self):
        self.bodies: list[bytes] = []
        self.lock = threading.Lock()
        collector = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with collector.lock:
                    collector.bodies.append(body)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def subscribe(self, sandbox: Sandbox) -> None:
        me = sandbox.api.get(f"{sandbox.base}/users/me").json()["resource"]
        answer = sandbox.api.post(f"{sandbox.base}/webhook_subscriptions", json={
            "url": self.url, "organization": me["current_organization"], "scope": "organization", "signing_key": SIGNING_KEY,
            "events": ["invitee.created", "invitee.canceled", "invitee_no_show.created", "invitee_no_show.deleted"]})
        assert answer.status_code == 201, answer.text

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def crm_for(sandbox: Sandbox, database_url: str | None = None) -> CRMServer:
    env = {"CALENDLY_API_KEY": SANDBOX_TOKEN, "CALENDLY_API_BASE_URL": sandbox.base,
           "CALENDLY_WIDGET_SCRIPT_URL": f"{sandbox.base}/assets/external/widget.js",
           "CALENDLY_WIDGET_CSS_URL": f"{sandbox.base}/assets/external/widget.css",
           "CALENDLY_WEBHOOK_SECRET": SIGNING_KEY, "CALENDLY_SYNC_INTERVAL": "0"}
    if database_url:
        env["DATABASE_URL"] = database_url
    return CRMServer(env=env)


def generate_traffic(sandbox: Sandbox, operations: int, seed: int = 1) -> dict:
    """Bookings, cancels (by invitee and host), reschedule chains and no-show toggles, in a mix.
    Returns counts of what was done."""
    rng = random.Random(seed)
    # Past the sandbox's demo bookings (the next few weeks), 15-minute meetings back to back:
    # 10,000 changes fit well inside the reconcile window of 180 days.
    start = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0) + timedelta(days=40)
    slot = 0

    def next_time() -> str:
        nonlocal slot
        slot += 1
        return (start + timedelta(minutes=15 * slot)).strftime("%Y-%m-%dT%H:%M:%SZ")

    active: list[str] = []
    done = {"bookings": 0, "cancels": 0, "reschedules": 0, "no_show_marked": 0, "no_show_unmarked": 0}
    marked: set[str] = set()
    for index in range(operations):
        roll = rng.random()
        if roll < 0.55 or len(active) < 5:
            person = rng.randrange(max(1, operations // 3))
            answer = sandbox.control("POST", "/bookings", {
                "event_type": "quick-check-in", "start_time": next_time(), "name": f"Storm Student {person}",
                "email": f"storm{person}@student.example", "answers": {"a1": f"Topic {index}"}})
            assert answer.status_code == 201, answer.text
            active.append(answer.json()["invitee"]["uri"].rsplit("/", 1)[-1])
            done["bookings"] += 1
        elif roll < 0.70:
            uuid = active.pop(rng.randrange(len(active)))
            who = rng.choice(["invitee", "host"])
            answer = sandbox.control("POST", f"/invitees/{uuid}/cancel", {"canceled_by": who, "reason": f"reason {index}"})
            assert answer.status_code == 200, answer.text
            done["cancels"] += 1
        elif roll < 0.85:
            uuid = active.pop(rng.randrange(len(active)))
            answer = sandbox.control("POST", f"/invitees/{uuid}/reschedule", {"start_time": next_time()})
            assert answer.status_code in (200, 201), answer.text
            active.append(answer.json()["invitee"]["uri"].rsplit("/", 1)[-1])
            done["reschedules"] += 1
        else:
            uuid = rng.choice(active)
            if uuid in marked:
                answer = sandbox.control("DELETE", f"/invitees/{uuid}/no_show")
                marked.discard(uuid)
                done["no_show_unmarked"] += 1
            else:
                answer = sandbox.control("POST", f"/invitees/{uuid}/no_show")
                marked.add(uuid)
                done["no_show_marked"] += 1
            assert answer.status_code in (200, 201, 204), answer.text
    return done


def webhooks_made(done: dict) -> int:
    """How many webhooks `generate_traffic`'s changes make: one each, two for a reschedule."""
    return sum(done.values()) + done["reschedules"]


def wait_until_every_delivery_accepted(sandbox: Sandbox, expected: int, timeout: float = 180) -> list[dict]:
    """The sandbox's delivery log, once all `expected` webhooks have been answered 200 (retries included)."""
    deadline = time.monotonic() + timeout
    while True:
        log = sandbox.control("GET", "/deliveries").json()["deliveries"]
        ids = {a["delivery_id"] for a in log}
        accepted = {a["delivery_id"] for a in log if a["status_code"] == 200}
        if len(ids) >= expected and ids == accepted:
            return log
        assert time.monotonic() < deadline, (
            f"{len(ids)} of {expected} webhooks sent, {len(ids - accepted)} never accepted: "
            f"{[(a['delivery_id'], a['attempt'], a['status_code'], (a.get('error') or '')[:80]) for a in log if a['delivery_id'] in ids - accepted][-12:]}")
        time.sleep(1)


def sign(body: bytes, key: str = SIGNING_KEY, at: int | None = None) -> str:
    stamp = str(at if at is not None else int(time.time()))
    return f"t={stamp},v1=" + hmac.new(key.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def deliver(crm: CRMServer, bodies: list[bytes], concurrency: int = 32, signed: bool = True) -> list[int]:
    """Posts each body (signed now) with `concurrency` at once; returns the statuses (0: no answer)."""
    session = requests.Session()
    adapter = requests.adapters.HTTPAdapter(pool_connections=concurrency, pool_maxsize=concurrency)
    session.mount("http://", adapter)

    def post(body: bytes) -> int:
        headers = {"Content-Type": "application/json"}
        if signed:
            headers["Calendly-Webhook-Signature"] = sign(body)
        try:
            return session.post(f"{crm.base}/api/calendar/webhook/calendly", data=body, headers=headers, timeout=60).status_code
        except requests.RequestException:
            return 0

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(post, bodies))


def storm_order(bodies: list[bytes], duplicate_share: float = 0.3, seed: int = 2) -> list[bytes]:
    """The deliveries with `duplicate_share` of them sent twice, in a shuffled order."""
    rng = random.Random(seed)
    sent = list(bodies) + rng.sample(bodies, int(len(bodies) * duplicate_share))
    rng.shuffle(sent)
    return sent


def expected_status(invitee: dict) -> str:
    if invitee["status"] == "canceled":
        return "rescheduled" if invitee.get("rescheduled") else "canceled"
    return "no_show" if invitee.get("no_show") else "scheduled"


def all_consultations(crm: CRMServer) -> list[dict]:
    rows, offset = [], 0
    while True:
        page = crm.api.get(f"{crm.base}/api/consultations", params={"limit": 500, "offset": offset}, timeout=60).json()
        rows += page["consultations"]
        offset += 500
        if offset >= page["total"]:
            return rows


def delivered_invitees(bodies: list[bytes]) -> set[str]:
    return {json.loads(body)["payload"]["uri"] for body in bodies}


def compare_with_truth(crm: CRMServer, truth: list[dict], only: set[str] | None = None) -> tuple[int, list[str]]:
    """Row-for-row comparison, of the invitees in `only` when given (the sandbox's demo data was
    never delivered); returns (rows checked, differences)."""
    if only is not None:
        truth = [invitee for invitee in truth if invitee["uri"] in only]
    consultations = {c["calendly_invitee_uri"]: c for c in all_consultations(crm) if c["calendly_invitee_uri"]}
    by_id = {c["id"]: c for c in consultations.values()}
    truth_by_uri = {i["uri"]: i for i in truth}
    problems = []
    missing = set(truth_by_uri) - set(consultations)
    extra = set(consultations) - set(truth_by_uri) if only is None else set(consultations) - only
    problems += [f"missing {uri}" for uri in sorted(missing)[:20]]
    problems += [f"not in Calendly {uri}" for uri in sorted(extra)[:20]]
    for uri, invitee in truth_by_uri.items():
        c = consultations.get(uri)
        if not c:
            continue
        want = {
            "status": expected_status(invitee),
            "consultation_date": invitee["scheduled_event"]["start_time"].replace(".000000Z", "Z"),
            "calendly_event_uri": invitee["event"],
            "student_email": invitee["email"] if not invitee.get("old_invitee") else consultations.get(invitee["old_invitee"], {}).get("student_email", invitee["email"]),
            "rescheduled_to": invitee.get("new_invitee"),
            "rescheduled_from": invitee.get("old_invitee"),
        }
        got = {
            "status": c["status"], "consultation_date": c["consultation_date"], "calendly_event_uri": c["calendly_event_uri"],
            "student_email": c["student_email"],
            "rescheduled_to": by_id.get(c["rescheduled_to_id"], {}).get("calendly_invitee_uri") if c["rescheduled_to_id"] else None,
            "rescheduled_from": by_id.get(c["rescheduled_from_id"], {}).get("calendly_invitee_uri") if c["rescheduled_from_id"] else None,
        }
        for key in want:
            if want[key] != got[key]:
                problems.append(f"{uri.rsplit('/', 1)[-1]} {key}: want {want[key]!r}, got {got[key]!r}")
    return len(truth_by_uri), problems
