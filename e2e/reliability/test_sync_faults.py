"""Calendly faults during sync: 5xx, time-outs and garbage from the sandbox while reconciles run.
Each answers 200, or 503 (429 for Calendly's rate limit) with a clear message, never crashes; once the faults stop, a reconcile
completes and the state is exact. (429s make the client wait for the limit to reset, up to a
minute each, so they run in the soak only.)"""
from harness import SOAK, Sandbox, compare_with_truth, crm_for, generate_traffic, report

OPERATIONS = 1_000 if SOAK else 120


def test_reconcile_through_faults_then_exact():
    sandbox = Sandbox()
    crm = None
    try:
        done = generate_traffic(sandbox, OPERATIONS, seed=21)
        crm = crm_for(sandbox)
        faults = {"server_error_rate": 0.2, "malformed_json_rate": 0.2, "slow_rate": 0.02, "slow_delay": 16}
        if SOAK:
            faults["rate_limit_rate"] = 0.02
        sandbox.misbehave(**faults)
        answers = []
        for _ in range(4 if SOAK else 3):
            response = crm.api.post(f"{crm.base}/api/calendar/meetings/sync", timeout=600)
            message = response.json().get("error", {}).get("message", "") if response.status_code != 200 else ""
            answers.append((response.status_code, message))
        config = crm.api.get(f"{crm.base}/api/calendar/config/calendly?fresh=true", timeout=120)
        alive = crm.process.poll() is None and crm.api.get(f"{crm.base}/api/health").status_code == 200

        sandbox.misbehave()
        recovered = crm.api.post(f"{crm.base}/api/calendar/meetings/sync", timeout=600)
        checked, problems = compare_with_truth(crm, sandbox.truth())
        unexpected = [a for a in answers if a[0] not in (200, 429, 503) or (a[0] != 200 and "Calendly" not in a[1])]
        failed = len(unexpected) + (config.status_code != 200) + (not alive) + (recovered.status_code != 200) + len(problems)
        report("sync faults", 0 if failed else checked, failed, [
            f"generated {done}; faults {faults}",
            *[f"sync under faults: {status} {message[:140]}" for status, message in answers],
            f"config under faults: {config.status_code}, problems {[p['code'] for p in config.json().get('problems', [])]}",
            f"after the faults: sync {recovered.status_code} {recovered.text[:200]}",
            f"compared {checked} invitees with the sandbox's truth: {len(problems)} differences", *problems[:20],
        ])
        assert not unexpected
        assert config.status_code == 200 and alive
        assert recovered.status_code == 200
        assert not problems
    finally:
        if crm:
            crm.stop()
        sandbox.stop()
