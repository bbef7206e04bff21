"""A `DATABASE_URL` that cannot be used (SPEC 13, issue "Run it for real": bad input): start-up
stops within 10 s with a message that names the variable and the cause, not a driver's error or
a stack trace, and never prints the URL's password."""
import os
import subprocess
import tempfile
import time
from urllib.parse import urlparse

import pytest

from crm_server import REPO_ROOT, crm_binary, free_port

PG = os.environ.get("TEST_DATABASE_URL")


def start_with(database_url: str) -> tuple[int, str, float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CALENDLY_", "DATABASE_"))}
    env.update({"DATABASE_URL": database_url, "LOG_LEVEL": "warning"})
    started = time.monotonic()
    result = subprocess.run([str(crm_binary()), "serve", "--port", str(free_port())], cwd=REPO_ROOT, env=env,
                            capture_output=True, text=True, timeout=30)
    return result.returncode, result.stdout + result.stderr, time.monotonic() - started


def expect_clear_refusal(database_url: str, cause: str) -> str:
    code, output, seconds = start_with(database_url)
    assert code != 0, output
    assert seconds < 10, f"took {seconds:.1f} s"
    last = output.strip().splitlines()[-1]
    assert last.startswith("crm: cannot use the database in DATABASE_URL"), output
    assert cause in last, output
    for trace in ("Fatal error", "Stack trace", "Backtrace", "0x0000"):
        assert trace not in output, output
    return output


def psql(sql: str, url: str = PG) -> None:
    parsed = urlparse(url)
    subprocess.run(["psql", "-h", parsed.hostname, "-p", str(parsed.port), "-U", parsed.username, "-d", parsed.path[1:],
                    "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True, capture_output=True, text=True)


def test_sqlite_in_a_folder_that_does_not_exist():
    expect_clear_refusal("sqlite:/nonexistent-folder/crm.sqlite", "cannot be opened or created")


def test_postgres_where_nothing_listens_and_the_password_stays_hidden():
    output = expect_clear_refusal("postgres://crm:s3cret-pass@127.0.0.1:1/crm", "no PostgreSQL server could be reached")
    assert "s3cret-pass" not in output
    assert "postgres://crm:***@127.0.0.1:1/crm" in output


@pytest.mark.skipif(not PG, reason="needs the PostgreSQL server of scripts/with-postgres.sh")
def test_postgres_with_an_unknown_user():
    parsed = urlparse(PG)
    expect_clear_refusal(f"postgres://nobody_here@{parsed.hostname}:{parsed.port}{parsed.path}", "refused the user name or password")


@pytest.mark.skipif(not PG, reason="needs the PostgreSQL server of scripts/with-postgres.sh")
def test_postgres_database_that_does_not_exist():
    parsed = urlparse(PG)
    expect_clear_refusal(f"postgres://{parsed.username}@{parsed.hostname}:{parsed.port}/no_such_database", "does not exist")


@pytest.mark.skipif(not PG, reason="needs the PostgreSQL server of scripts/with-postgres.sh")
def test_postgres_user_without_permission_to_create_tables():
    parsed = urlparse(PG)
    database = f"crm_no_rights_{os.getpid()}"
    psql(f"DROP DATABASE IF EXISTS {database}")
    psql(f"CREATE DATABASE {database}")
    psql("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'crm_reader') THEN CREATE ROLE crm_reader LOGIN; END IF; END $$")
    # PostgreSQL 15 and later: only the owner may create in the public schema; make sure of it.
    psql("REVOKE CREATE ON SCHEMA public FROM PUBLIC", url=PG.rsplit("/", 1)[0] + "/" + database)
    try:
        expect_clear_refusal(f"postgres://crm_reader@{parsed.hostname}:{parsed.port}/{database}", "may not create or change tables")
    finally:
        psql(f"DROP DATABASE IF EXISTS {database}")
