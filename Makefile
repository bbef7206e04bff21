# The front door: `make run` and `make test` are all a newcomer needs.
SWIFT ?= swift
VENV := .venv-test
PG_SUITES := ReadCacheTests|StudentAPITests|ConsultationAPITests|UpcomingMeetingsTests|ConcurrentWriteTests|SchemaTests|SecurityTests|WebhookReceiverTests|WebhookBadInputTests|DeliveryOrderTests|SandboxIntegrationTests|MeetingSyncTests|ReconcileEquivalenceTests|CalendlyConfigTests|CalendlyCommandTests|SecurityProbeTests|FormRoundTripTests|StatusMarkingTests|ArchiveTests|AccountSettingsTests|SubscriptionRecreateTests|CalendlyConnectTests|SchemaAgreementTests|PageSnapshotTests|FollowUpAPITests|FollowUpPagesTests|BriefTests|TodayTests|NoShowOrderingTests|NoShowBothWaysTests|HostCancellationTests|BookingForStudentTests|StudentTimeZoneTests|BookingTagsTests|StudentImportTests|StudentImportPageTests|CalendarFeedTests|SearchAPITests|SearchPageTests|TwoFactorTests|SessionsAndTokensTests|AuditLogTests|MetricsTests

.PHONY: run build test test-deps test-swift test-postgres test-python soak db-postgres clean bench

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

## The PostgreSQL server is there for the storm's PostgreSQL run.
test-python:
	CRM_BIN=$(CURDIR)/.build/debug/crm SANDBOX_BIN=$(CURDIR)/.build/debug/calendly-sandbox \
		bash scripts/with-postgres.sh $(VENV)/bin/python -m pytest -q -m "not slow" e2e

## The reliability suite at full size: a 10,000-change storm on SQLite and PostgreSQL, a crash
## mid-storm, fuzzing, schemathesis with more examples, Calendly faults during sync; and the
## security tests, with the slow one (a stalled body closed after its deadline).
soak: test-deps build
	RELIABILITY_SCALE=soak CRM_BIN=$(CURDIR)/.build/debug/crm SANDBOX_BIN=$(CURDIR)/.build/debug/calendly-sandbox \
		bash scripts/with-postgres.sh $(VENV)/bin/python -m pytest -q -s e2e/reliability e2e/security

## A PostgreSQL server for trying the app by hand; prints the DATABASE_URL to use. Ctrl-C stops it.
db-postgres:
	bash scripts/with-postgres.sh bash -c 'echo "DATABASE_URL=$$TEST_DATABASE_URL"; echo "Ctrl-C to stop"; sleep infinity'

clean:
	rm -rf .build $(VENV) .venv-fuzz

## Load figures (release build, wrk on loopback), on seeded SQLite and then on PostgreSQL with fsync
## on: bench/results/latest.md and latest-postgres.md. Not part of `make test`.
bench:
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq --no-install-recommends wrk)
	$(SWIFT) build -c release --product crm --scratch-path .build-release
	python3 bench/run.py
	PG_FSYNC=on bash scripts/with-postgres.sh python3 bench/run.py --postgres
