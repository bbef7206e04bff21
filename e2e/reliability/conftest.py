import os
import subprocess
import uuid

import pytest


@pytest.fixture
def postgres_url():
    """A fresh, empty PostgreSQL database on the server `scripts/with-postgres.sh` started."""
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set (make test runs this under scripts/with-postgres.sh)")
    name = "reliability_" + uuid.uuid4().hex[:10]
    server = base.rsplit("/", 1)[0]
    subprocess.run(["psql", f"{server}/postgres", "-qc", f"CREATE DATABASE {name}"], check=True)
    yield f"{server}/{name}"
    subprocess.run(["psql", f"{server}/postgres", "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], check=False)
