"""`crm backup` while the server answers webhooks (SPEC 12): the copy passes `crm backup --verify`,
a server starts from it, and every delivery acknowledged before the copy began is in it."""
import json
import os
import subprocess
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone

import requests

from crm_server import CRMServer, REPO_ROOT, crm_binary, free_port
from harness import SIGNING_KEY, deliver

BASE = "https://api.calendly.com"


def booking(index: int) -> bytes:
    start = datetime(2031, 3, 1, 9, tzinfo=timezone.utc) + timedelta(minutes=30 * index)
    event, invitee = str(uuid.uuid4()), str(uuid.uuid4())
    fmt = lambda moment: moment.strftime("%Y-%m-%dT%H:%M:%S.000000Z")  # noqa: E731
    payload = {
        "uri": f"{BASE}/scheduled_events/{event}/invitees/{invitee}", "event": f"{BASE}/scheduled_events/{event}",
        "email": f"backup{index % 40}@student.example", "name": f"Backup Student {index % 40}", "status": "active",
        "timezone": "Europe/Berlin", "questions_and_answers": [], "tracking": None, "rescheduled": False,
        "old_invitee": None, "new_invitee": None, "cancel_url": None, "reschedule_url": None, "no_show": None,
        "created_at": fmt(start - timedelta(days=7)), "updated_at": fmt(start - timedelta(days=7)),
        "scheduled_event": {"uri": f"{BASE}/scheduled_events/{event}", "name": "Backup check", "status": "active",
                            "start_time": fmt(start), "end_time": fmt(start + timedelta(minutes=30))},
    }
    return json.dumps({"event": "invitee.created", "created_at": fmt(start - timedelta(days=7)),
                       "created_by": f"{BASE}/users/u", "payload": payload}).encode()


def invitee_of(body: bytes) -> str:
    return json.loads(body)["payload"]["uri"]


def test_a_backup_taken_under_load_holds_every_acknowledged_delivery(tmp_path):
    crm = CRMServer(env={"CALENDLY_WEBHOOK_SECRET": SIGNING_KEY, "CALENDLY_SYNC_INTERVAL": "0"})
    copy_server = None
    try:
        before = [booking(i) for i in range(60)]
        assert set(deliver(crm, before, concurrency=8)) == {200}

        # More deliveries keep arriving while the copy is made.
        during = [booking(i) for i in range(60, 400)]
        statuses: list[int] = []
        sender = threading.Thread(target=lambda: statuses.extend(deliver(crm, during, concurrency=8)))
        sender.start()
        time.sleep(0.2)
        copy = tmp_path / "copy.sqlite"
        output = crm.run("backup", str(copy))
        sender.join()
        assert "Backed up to" in output and "consultations" in output, output
        assert set(statuses) == {200}

        # Refuses to overwrite without --force; --verify passes.
        refused = subprocess.run([str(crm_binary()), "backup", str(copy)], cwd=REPO_ROOT, env=crm.env,
                                 capture_output=True, text=True, timeout=60)
        assert refused.returncode != 0 and "--force" in refused.stdout + refused.stderr
        verified = crm.run("backup", "--verify", str(copy))
        assert "sound copy" in verified, verified

        # A server starts from the copy, with every delivery acknowledged before the copy began.
        port = free_port()
        env = {**crm.env, "DATABASE_URL": f"sqlite:{copy}", "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}"}
        copy_server = subprocess.Popen([str(crm_binary()), "serve", "--port", str(port)], cwd=REPO_ROOT, env=env,
                                       stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        found: set[str] = set()
        offset = 0
        while True:
            page = requests.get(f"http://127.0.0.1:{port}/api/consultations", params={"limit": 500, "offset": offset},
                                headers={"Authorization": f"Bearer {crm.token}"}, timeout=30).json()
            found |= {c["calendly_invitee_uri"] for c in page["consultations"]}
            offset += 500
            if offset >= page["total"]:
                break
        assert {invitee_of(body) for body in before} <= found
        assert len(found) <= 400
    finally:
        if copy_server:
            copy_server.terminate()
            copy_server.wait(timeout=10)
        crm.stop()
