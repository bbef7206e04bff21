# The front door: `make run` and `make test` are all a newcomer needs.
SWIFT ?= swift
VENV := .venv-test
PG_SUITES := StudentAPITests|ConsultationAPITests|UpcomingMeetingsTests|ConcurrentWriteTests|SchemaTests|SecurityTests

.PHONY: run build test test-deps test-swift test-postgres test-python db-postgres clean

run:
	$(SWIFT) run crm serve

build:
	$(SWIFT) build --build-tests

test-deps:
	bash scripts/install-test-deps.sh

## Every test: Swift on in-memory SQLite, the storage and API tests again on a real PostgreSQL,
## then the browser, OpenAPI and sandbox tests in Python.
test: test-deps build test-swift test-postgres test-python

test-swift:
	$(SWIFT) test --skip-build

test-postgres:
	bash scripts/with-postgres.sh $(SWIFT) test --skip-build --no-parallel --filter "$(PG_SUITES)"

test-python:
	CRM_BIN=$(CURDIR)/.build/debug/crm SANDBOX_BIN=$(CURDIR)/.build/debug/calendly-sandbox \
		$(VENV)/bin/python -m pytest -q tests

## A PostgreSQL server for trying the app by hand; prints the DATABASE_URL to use. Ctrl-C stops it.
db-postgres:
	bash scripts/with-postgres.sh bash -c 'echo "DATABASE_URL=$$TEST_DATABASE_URL"; echo "Ctrl-C to stop"; sleep infinity'

clean:
	rm -rf .build $(VENV)
