"""The database under a benchmark run, and what the run reads from it and from the disk: the
search index's full-text segments, the rows written, the bytes the server and the disk wrote."""
import os
import sqlite3
import time

import postgres
from harness import HarnessError, db_counts, req


def search_segments(db):
    """SQLite: the full-text segments of search_full and search_titles (each has rows in its _idx table)."""
    return [db.scalar(f"SELECT count(DISTINCT segid) FROM {t}_idx") for t in ("search_full", "search_titles")]


def wait_for_settled_search_index(db, port, headers, timeout=1800):
    """Waits until the server says (GET /metrics) that nothing waits to be indexed and that it is not
    merging the index and will not begin to (`crm_search_index_merging`); returns the segments then.
    Watching the segment counts instead was not enough: a table's count can stay put for seconds
    while its merge runs, and one run measured its searches on an index the server was still merging."""
    t0 = time.monotonic()
    while True:
        status, _, body = req(port, "GET", "/metrics", headers=headers)
        if status != 200:
            raise HarnessError(f"GET /metrics answered {status}: {body[:300]!r}")
        gauges = {}
        for line in body.decode().splitlines():
            name, _, value = line.partition(" ")
            if name in ("crm_search_pending", "crm_search_index_merging"):
                gauges[name] = float(value)
        if len(gauges) != 2:
            raise HarnessError(f"GET /metrics did not say how search indexing stands: {sorted(gauges)}")
        if gauges["crm_search_pending"] == 0 and gauges["crm_search_index_merging"] == 0:
            return search_segments(db)
        if time.monotonic() - t0 > timeout:
            raise HarnessError(f"the search index did not settle within {timeout} s: {gauges}, segments {search_segments(db)}")
        time.sleep(0.5)


def db_scalar(db_path, query):
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(query).fetchone()[0]
    finally:
        con.close()


class BenchDatabase:
    """The database under test: a SQLite file in the temporary directory, or PostgreSQL."""

    def __init__(self, tmp, postgres_url=None):
        self.postgres_url = postgres_url
        self.sqlite_path = os.path.join(tmp, "bench.sqlite")

    @property
    def url(self):
        return self.postgres_url or f"sqlite:{self.sqlite_path}"

    @property
    def name(self):
        return "PostgreSQL" if self.postgres_url else "SQLite"

    def scalar(self, query):
        return postgres.scalar(self.postgres_url, query) if self.postgres_url else db_scalar(self.sqlite_path, query)

    def counts(self):
        return postgres.counts(self.postgres_url) if self.postgres_url else db_counts(self.sqlite_path)

    def checkpoint(self):
        """Writes what the WAL holds into the database files, as the server would sooner or later."""
        if self.postgres_url:
            postgres.psql(self.postgres_url, "-c", "CHECKPOINT")
        else:
            con = sqlite3.connect(self.sqlite_path, timeout=60)
            try:
                con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            finally:
                con.close()


def own_write_bytes(pid="self"):
    with open(f"/proc/{pid}/io") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("write_bytes:"))


def device_bytes_written(path):
    """Bytes the block device holding `path` has written since boot (all processes); 0 where the
    file system has no block device of its own (tmpfs, overlay), and the figure is then left out."""
    st = os.stat(path)
    try:
        with open(f"/sys/dev/block/{os.major(st.st_dev)}:{os.minor(st.st_dev)}/stat") as f:
            return int(f.read().split()[6]) * 512
    except OSError:
        return 0
