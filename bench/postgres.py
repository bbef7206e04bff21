"""The benchmark on PostgreSQL: the seeded SQLite rows copied into a PostgreSQL database that
`crm migrate` made, and the few reads `run.py` makes of the database. Stdlib only: rows go through
`psql`'s COPY, as CSV."""

import csv
import datetime
import io
import sqlite3
import subprocess

from harness import HarnessError

# The seeded tables and how each SQLite column becomes PostgreSQL's: dates are REAL seconds in
# SQLite and timestamptz here; booleans 0/1 and boolean.
TABLES = {
    "students": {"dates": {"archived_at", "created_at", "updated_at"}, "bools": set()},
    "consultations": {"dates": {"consultation_date", "end_date", "canceled_at", "calendly_updated_at", "no_show_changed_at",
                                "created_at", "updated_at", "reconfirmation_requested_at", "reconfirmed_at"},
                      "bools": {"calendly_no_show", "moved"}},
    "follow_ups": {"dates": {"done_at", "created_at", "updated_at"}, "bools": set()},
}


def psql(url, *args, stdin=None):
    out = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-Atq", *args], input=stdin, capture_output=True, text=True)
    if out.returncode != 0:
        raise HarnessError(f"psql {' '.join(args)[:200]} failed: {out.stderr[-500:]}")
    return out.stdout.strip()


def scalar(url, query):
    return int(psql(url, "-c", query) or 0)


def _value(column, value, spec):
    if value is None:
        return None
    if column in spec["dates"]:
        return datetime.datetime.fromtimestamp(value, datetime.timezone.utc).isoformat()
    if column in spec["bools"]:
        return "t" if value else "f"
    return value


def copy_seeded_rows(sqlite_path, url):
    """Copies every seeded row, table by table, in one COPY each (triggers fire as for inserts:
    the data version moves and the search queue fills)."""
    source = sqlite3.connect(f"file:{sqlite_path}?mode=ro", uri=True)
    try:
        for table, spec in TABLES.items():
            cursor = source.execute(f"SELECT * FROM {table}")
            columns = [d[0] for d in cursor.description]
            text = io.StringIO()
            writer = csv.writer(text)
            for row in cursor:
                # NULL is written \N (COPY's NULL below), so an empty string stays an empty string.
                writer.writerow(["\\N" if v is None else _value(c, v, spec) for c, v in zip(columns, row)])
            psql(url, "-c", f"\\copy {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", stdin=text.getvalue())
        psql(url, "-c", "ANALYZE")
    finally:
        source.close()


def counts(url):
    states = dict(line.split("|") for line in psql(url, "-c", "SELECT state, count(*) FROM webhook_deliveries GROUP BY state").splitlines() if line)
    states = {k: int(v) for k, v in states.items()}
    return {"students": scalar(url, "SELECT count(*) FROM students"),
            "consultations": scalar(url, "SELECT count(*) FROM consultations"),
            "deliveries": sum(states.values()), "states": states}


def wal_bytes(url):
    """WAL written by the whole server since its statistics were last reset (PostgreSQL 14+)."""
    return int(psql(url, "-c", "SELECT wal_bytes FROM pg_stat_wal") or 0)
