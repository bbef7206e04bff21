"""The benchmark's table: figures, ratios to /api/health, and each target as PASS or MISS."""
import json

TARGETS = {
    "webhook_rps": 1500, "webhook_p99_ms": 50, "webhook_ratio": 0.25, "webhook_write_kb": 15,
    "upcoming_ratio": 0.40, "upcoming_p99_ms": 10,
    "calendar_p99_ms": 20,
    "today_ratio": 0.40, "today_p99_ms": 15, "brief_ratio": 0.40, "brief_p99_ms": 15,
    "rss_mb": 150, "startup_s": 2.0, "import_s": 10.0,
    "search_ratio": 0.25, "search_p99_ms": 20,
}

# The search benchmark's queries (SPEC 11): "student" is in nearly every record (notes and
# emails); the rare note is in about one meeting in 5,000 (bench/seed.py); "dead plan" is two
# prefixes ("deadlines", "planned") that each start words in most notes.
SEARCH_QUERIES = {
    "search_common": ("a common word", "student"),
    "search_rare": ("a rare word", "scholarship"),
    "search_prefix": ("a two-word prefix query", "dead+plan"),
}


# --- Report --------------------------------------------------------------------------------------

def verdict(ok):
    return "PASS" if ok else "MISS"


def cpu_figure(r):
    """The server's CPU per request, and on PostgreSQL the database's after it (`0.55 + 1.20 db`)."""
    if r.get("cpu_ms_per_req") is None:
        return "–"
    if r.get("database_cpu_ms_per_req") is None:
        return f"{r['cpu_ms_per_req']:.2f}"
    return f"{r['cpu_ms_per_req']:.2f} + {r['database_cpu_ms_per_req']:.2f} db"


def build_report(res):
    h = res["health"]
    rows = []

    def ratio(r):
        return r["rps"] / h["rps"] if h["rps"] else 0.0

    def line(name, r, targets):
        cpu = cpu_figure(r)
        return (f"| {name} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} "
                f"| {ratio(r) * 100:.1f}% | {cpu} | {targets} |")

    T = TARGETS
    up, cal, wh = res["upcoming"], res["calendar"], res["webhook"]
    def seen(r):
        return r["requests"] > 0

    checks = {
        "webhook_rps": wh["rps"] >= T["webhook_rps"],
        "webhook_errors": wh["errors"] == 0,
        "webhook_p99": seen(wh) and wh["p99_ms"] < T["webhook_p99_ms"],
        "webhook_ratio": ratio(wh) >= T["webhook_ratio"],
        "upcoming_ratio": ratio(up) >= T["upcoming_ratio"],
        "upcoming_p99": seen(up) and up["p99_ms"] < T["upcoming_p99_ms"],
        "calendar_p99": seen(cal) and cal["p99_ms"] < T["calendar_p99_ms"],
        "today_ratio": ratio(res["today"]) >= T["today_ratio"],
        "today_p99": seen(res["today"]) and res["today"]["p99_ms"] < T["today_p99_ms"],
        "brief_ratio": ratio(res["brief"]) >= T["brief_ratio"],
        "brief_p99": seen(res["brief"]) and res["brief"]["p99_ms"] < T["brief_p99_ms"],
        # Judged on searches run afresh (Cache-Control: no-cache), not on the answer kept for a repeat.
        **{f"{key}_ratio": ratio(res[key + "_fresh"]) >= T["search_ratio"] for key in SEARCH_QUERIES if key + "_fresh" in res},
        **{f"{key}_p99": seen(res[key + "_fresh"]) and res[key + "_fresh"]["p99_ms"] < T["search_p99_ms"]
           for key in SEARCH_QUERIES if key + "_fresh" in res},
        "rss": res["peak_rss_mb"] < T["rss_mb"],
        "startup": res["startup_s"] < T["startup_s"],
    }
    if "import_s" in res:
        checks["import"] = res["import_s"] < T["import_s"]
    writes = res.get("webhook_writes")
    if writes and writes["deliveries"] and res.get("database") != "PostgreSQL":
        checks["webhook_write"] = (writes["server_write_bytes"] + writes["checkpoint_write_bytes"]) / writes["deliveries"] / 1024 < T["webhook_write_kb"]
    rows.append("| Endpoint | Req/s | p50 ms | p99 ms | Errors | vs health | server CPU ms/req | Targets |")
    rows.append("|---|---:|---:|---:|---:|---:|---:|---|")
    rows.append(line(f"GET /api/health ({h['connections']} conn)", h, "baseline"))
    rows.append(line(f"GET /api/calendar/meetings/upcoming?limit=50 ({up['connections']} conn)", up,
                     f"≥ 40% of health: {verdict(checks['upcoming_ratio'])}; p99 < 10 ms: {verdict(checks['upcoming_p99'])}"))
    rows.append(line(f"GET /calendar, signed in ({cal['connections']} conn)", cal,
                     f"p99 < 20 ms: {verdict(checks['calendar_p99'])}"))
    rows.append(line(f"GET /api/today ({res['today']['connections']} conn)", res["today"],
                     f"≥ 40% of health: {verdict(checks['today_ratio'])}; p99 < 15 ms: {verdict(checks['today_p99'])}"))
    if "today_writes" in res:
        rows.append(line(f"GET /api/today while a student is edited every 0.25 s ({res['today_writes_edits']} edits; "
                         f"{res['today_writes']['connections']} conn)", res["today_writes"],
                         "no target: each edit is a new data version; the requests waiting for it share one build"))
    rows.append(line(f"GET /api/consultations/{{id}}/brief ({res['brief']['connections']} conn)", res["brief"],
                     f"≥ 40% of health: {verdict(checks['brief_ratio'])}; p99 < 15 ms: {verdict(checks['brief_p99'])}"))
    for key, (label, query) in SEARCH_QUERIES.items():
        if key + "_fresh" in res:
            fresh = res[key + "_fresh"]
            rows.append(line(f"GET /api/search?q={query}, {label}, run afresh (Cache-Control: no-cache; {fresh['connections']} conn)", fresh,
                             f"≥ 25% of health: {verdict(checks[key + '_ratio'])}; p99 < 20 ms: {verdict(checks[key + '_p99'])}"))
        if key in res:
            rows.append(line(f"GET /api/search?q={query}, {label}, repeated ({res[key]['connections']} conn)", res[key],
                             "no target: answered from the answer kept under the data version"))
    if "search_varied" in res:
        rows.append(line(f"GET /api/search, 6,000 different queries, nearly all run afresh ({res['search_varied']['connections']} conn)",
                         res["search_varied"], "no target: what a search not answered before costs"))
    rows.append(line(f"POST /api/calendar/webhook/calendly ({wh['connections']} conn)", wh,
                     f"≥ 1,500/s: {verdict(checks['webhook_rps'])}; 0 errors: {verdict(checks['webhook_errors'])}; "
                     f"p99 < 50 ms: {verdict(checks['webhook_p99'])}; ≥ 25% of health: {verdict(checks['webhook_ratio'])}"))
    if "health_after" in res:
        rows.append(line(f"GET /api/health again, after the rest ({res['health_after']['connections']} conn)",
                         res["health_after"], "drift check only"))
    rows.append("")
    rows.append("| Figure | Value | Target |")
    rows.append("|---|---:|---|")
    rows.append(f"| Start-up with the seeded database (process start → /api/health 200) | {res['startup_s']:.2f} s "
                f"| < 2 s: {verdict(checks['startup'])} |")
    rows.append(f"| Peak RSS of the server over the run (VmHWM) | {res['peak_rss_mb']:.1f} MB "
                f"| < 150 MB: {verdict(checks['rss'])} |")
    if "import_s" in res:
        totals = res.get("import_totals", {})
        rows.append(f"| Import of 10,000 CSV rows (POST /api/students/import, {totals.get('create', 0):,} created, "
                    f"{totals.get('update', 0):,} updated) | {res['import_s']:.2f} s | < 10 s: {verdict(checks['import'])} |")
    if writes and writes["deliveries"]:
        n = writes["deliveries"]
        if "webhook_write" in checks:
            rows.append(f"| Written per webhook delivery: write_bytes of /proc/<pid>/io, the server's over the run and the "
                        f"final checkpoint's, search indexing included | {(writes['server_write_bytes'] + writes['checkpoint_write_bytes']) / n / 1024:,.1f} KB "
                        f"| ≤ 15 KB: {verdict(checks['webhook_write'])} |")
        if writes.get("wal_bytes") is not None:
            rows.append(f"| PostgreSQL WAL per webhook delivery (pg_stat_wal), search indexing included | {writes['wal_bytes'] / n / 1024:,.1f} KB | not a target |")
        if writes["device_bytes"] > 0:
            rows.append(f"| Written per webhook delivery by the disk (its sector count: every process, the file system's "
                        f"journal, the checkpoint, search indexing) | {writes['device_bytes'] / n / 1024:,.1f} KB | not a target |")
    if "search_index_s" in res:
        rows.append(f"| Indexing every seeded record for search in the background (server start → queue empty) "
                    f"| {res['search_index_s']:.1f} s | not a target |")
    if "search_compacted_s" in res:
        rows.append(f"| Full-text segments (search_full, search_titles) once every seeded record was indexed → once the "
                    f"server's merging settled (server start → settled) | "
                    f"{res['search_segments_indexed'][0]}, {res['search_segments_indexed'][1]} → "
                    f"{res['search_segments'][0]}, {res['search_segments'][1]} ({res['search_compacted_s']:.1f} s) | not a target |")
    if "search_segments_after_webhooks" in res:
        rows.append(f"| Full-text segments once the webhook deliveries were indexed → once any merging settled "
                    f"(its writing is in the figures above) | "
                    f"{', '.join(map(str, res['search_segments_after_webhooks']))} → "
                    f"{', '.join(map(str, res['search_segments_merged_after_webhooks']))} | not a target |")
    for key, label in (("today", "GET /api/today"), ("brief", "GET /api/consultations/{id}/brief")):
        if key in res.get("first_ms", {}):
            rows.append(f"| First (uncached) answer of {label}: what its queries cost | {res['first_ms'][key]:.1f} ms | not a target |")
    if res.get("single"):
        rows.append("")
        rows.append("Service time, 1 connection (no queueing; not a target):")
        rows.append("")
        rows.append("| Endpoint | Req/s | p50 ms | p99 ms | Errors | server CPU ms/req |")
        rows.append("|---|---:|---:|---:|---:|---:|")
        for key, label in (("health", "GET /api/health"), ("upcoming", "GET /api/calendar/meetings/upcoming?limit=50"),
                           ("calendar", "GET /calendar"), ("today", "GET /api/today"),
                           ("brief", "GET /api/consultations/{id}/brief"),
                           *((key, f"GET /api/search?q={query}, repeated") for key, (_, query) in SEARCH_QUERIES.items()),
                           *((key + "_fresh", f"GET /api/search?q={query}, run afresh") for key, (_, query) in SEARCH_QUERIES.items()),
                           ("webhook", "POST /api/calendar/webhook/calendly")):
            if key not in res["single"]:
                continue
            r = res["single"][key]
            cpu = cpu_figure(r)
            rows.append(f"| {label} | {r['rps']:,.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} | {r['errors']} | {cpu} |")
    return "\n".join(rows), checks


def render_markdown(res, table, checks):
    d = res["data"]
    w = res["webhook_db"]
    met = sum(checks.values())
    lines = [
        "# Personal CRM benchmark", "",
        f"Run {res['started_at']} on {res['machine']['host']} ({res['machine']['cpus']} CPUs), "
        f"git {res['git']}, binary `{res['binary']}` (release).", "",
        table, "",
        f"Targets met: {met} of {len(checks)}.", "",
        "## Conditions", "",
        f"- wrk on loopback, {res['health']['threads']} threads, {res['health']['seconds']} s per endpoint "
        f"(after a {res['warmup_s']} s warm-up for the GET endpoints); latencies as wrk measures them, "
        "errors = non-2xx answers + socket errors (connect/read/write/timeout); "
        "`vs health` = requests/s relative to GET /api/health measured first in the same run; "
        "server CPU = the server's user+sys CPU time over the run divided by the requests answered"
        + ("; on PostgreSQL, `+ … db` is the same for the database's processes." if res.get("database") == "PostgreSQL" else "."),
        f"- Load average (1/5/15 min): before {res['load_before']}, after {res['load_after']} "
        "— the machine is shared, so compare figures only within one run.",
        f"- Database: {'PostgreSQL (fsync on)' if res.get('database') == 'PostgreSQL' else 'fresh SQLite file (WAL)'}, {d['students']:,} students, {d['consultations']:,} consultations "
        f"({d['future']:,} in the future of which {d['future_scheduled']:,} scheduled; {d['calendly']:,} with a "
        f"Calendly invitee URI, {d.get('rare', 0):,} with the rare search word), {d.get('follow_ups', 0):,} follow-ups; seeded in {d['seconds']:.1f} s. Server `LOG_LEVEL={res['log_level']}`, "
        "its output to a file.",
        f"- Calendar page: {res['calendar_page_bytes']:,} bytes per answer.",
        f"- Webhooks: {res['webhook_bodies']:,} distinct signed `invitee.created` bookings prepared (half for "
        f"existing students' emails, half for new ones); wrk counted {res['webhook']['requests']:,} answers within the measured window. "
        f"Afterwards the inbox held {w['deliveries']:,} deliveries: {json.dumps(w['states'])}; "
        f"consultations +{w['new_consultations']:,}, students +{w['new_students']:,}.",
    ]
    for key in ("health", "upcoming", "calendar", "today", "today_writes", "brief", *SEARCH_QUERIES, *(k + "_fresh" for k in SEARCH_QUERIES),
                "search_varied", "webhook"):
        if key not in res:
            continue
        r = res[key]
        if r["statuses"]:
            lines.append(f"- {key}: non-2xx statuses {json.dumps(r['statuses'])}; socket errors {r['socket_errors']}.")
    return "\n".join(lines) + "\n"
