# Rencana — developer entry points.
#   make run    build and start the app with the Kota Medan demo on http://127.0.0.1:8080
#   make test   formatting, lints, the lockfile's licences and sources (cargo-deny),
#               unit/integration tests on SQLite and on PostgreSQL, the browser journeys in
#               headless Chromium, then sqlmap and schemathesis against a served demo
#   make bench  figures, never pass/fail: page times, the deadline herd, Lighthouse, the
#               transparency log, Excel out and in
#   make resilience  kill -9 under load, a full disk (root, for its tmpfs) and PostgreSQL
#               stopped mid-load: fails on a lost acknowledged write, a broken database, a hang
#               or a 5xx other than 503
# Respects CARGO_TARGET_DIR (the binary is $(CARGO_TARGET_DIR)/debug/rencana).

SHELL := /bin/bash
CARGO ?= cargo
NODE ?= node
TARGET_DIR := $(if $(CARGO_TARGET_DIR),$(CARGO_TARGET_DIR),target)
RENCANA := $(TARGET_DIR)/debug/rencana

# The SQLite test run must not pick up a PostgreSQL URL from the caller's shell;
# scripts/with-postgres.sh sets its own.
unexport RENCANA_TEST_DATABASE_URL

.PHONY: run test bench resilience npm build lint test-sqlite test-postgres e2e security

run: npm build
	$(RENCANA) demo
	$(RENCANA) serve --demo

# The browser journeys and the security gates serve copies of one demo, seeded by the debug
# build while the Rust tests run (scripts/demo-seed.sh).
DEMO_SEED := $(TARGET_DIR)/demo-seed
# The crates whose tests open a database: the run on PostgreSQL leaves out the others (domain,
# documents, reports), which would only repeat themselves.
DATABASE_CRATES := -p store -p web -p rencana

test: npm
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	bash scripts/audit-dependencies.sh
	$(CARGO) build -p rencana
	bash scripts/demo-seed.sh start $(RENCANA) $(DEMO_SEED)
	$(CARGO) test --workspace
	bash scripts/with-postgres.sh $(CARGO) test $(DATABASE_CRATES)
	bash scripts/ensure-chromium.sh
	bash scripts/demo-seed.sh wait $(DEMO_SEED)
	RENCANA_E2E_DEMO=$(DEMO_SEED)/data $(NODE) --test tests/e2e/*.test.mjs
	SEEDED_DATA=$(DEMO_SEED)/data RENCANA_BIN=$(RENCANA) bash scripts/security-gates.sh

# The failure tests: kill -9 under load, a full disk, PostgreSQL stopped and started.
resilience: npm
	bash bench/crash.sh
	bash bench/full-disk.sh
	bash bench/pg-stop.sh

# Figures, never pass/fail, on the Medan demo (release build): Rencana beside its floors (oha,
# installed once under .bench-tools/), the city surge, a crowd past capacity and the deciding
# scenario on both databases, page times and sizes, Lighthouse scores in headless Chromium, the herd, the documents.
bench: npm
	bash bench/floors.sh
	DATABASE=postgres bash bench/floors.sh
	bash bench/surge.sh
	DATABASE=postgres bash bench/surge.sh
	bash bench/overload.sh
	DATABASE=postgres bash bench/overload.sh
	bash bench/deciding.sh
	DATABASE=postgres bash bench/deciding.sh
	bash bench/listing-scale.sh
	bash bench/pages.sh
	bash bench/lighthouse.sh
	bash bench/herd.sh
	bash bench/documents.sh

# Pieces of `test`, runnable on their own.
npm:
	bash scripts/ensure-npm.sh

build: npm
	$(CARGO) build -p rencana

lint: npm
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

test-sqlite: npm
	$(CARGO) test --workspace

test-postgres: npm
	bash scripts/with-postgres.sh $(CARGO) test $(DATABASE_CRATES)

e2e: build
	bash scripts/ensure-chromium.sh
	$(NODE) --test tests/e2e/*.test.mjs

security: build
	bash scripts/audit-dependencies.sh
	RENCANA_BIN=$(RENCANA) bash scripts/security-gates.sh
