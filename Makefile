# aezen engine — build, run and test entry points.
#
#   make run      build and start a node against a project-managed Postgres
#                 (.data/pg, 127.0.0.1:$(PG_PORT)); set DATABASE_URL to use your own.
#   make test     run all tests against a throwaway, non-durable Postgres
#                 (.data/pgtest, 127.0.0.1:$(PG_TEST_PORT)); set
#                 AEZEN_TEST_DATABASE_URL to use your own.
#                 A second throwaway server (.data/pgtest2, port from the checkout's path in
#                 55400-55999) holds the tenants of the several-servers tests; set
#                 AEZEN_TEST_DATABASE_URL_2 to use your own.
#   make bench    benchmarks against a separate durable Postgres (.data/pgbench).
#   make pg-stop  stop the project Postgres servers (data is kept in $(DATA_DIR)).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

DATA_DIR      ?= .data
PG_PORT       ?= 54320
PG_TEST_PORT  ?= 54329
PG_BENCH_PORT ?= 54330
# Second servers (tests and bench of tenants across servers): a port derived from this checkout's path, so
# that several checkouts on one machine do not collide.
PG_PORT_SEED  := $(shell printf '%s' "$(CURDIR)" | cksum | cut -d' ' -f1)
PG_TEST2_PORT ?= $(shell echo $$((55400 + $(PG_PORT_SEED) % 300)))
PG_BENCH2_PORT ?= $(shell echo $$((55700 + $(PG_PORT_SEED) % 300)))
GO            ?= go
GOFMT         ?= gofmt
TEST_FLAGS    ?= -race
# Per test binary. httpapi under -race took 5-10 minutes on this 2-core machine and over 18 when other
# sessions loaded it to 20; the whole suite's budget (20 minutes) is for an unloaded machine.
TEST_TIMEOUT  ?= 25m
PKGS          ?= ./...

PG       := scripts/pg.sh
PG_DEV   := $(DATA_DIR)/pg
PG_TEST  := $(DATA_DIR)/pgtest
PG_BENCH := $(DATA_DIR)/pgbench
PG_TEST2  := $(DATA_DIR)/pgtest2
PG_BENCH2 := $(DATA_DIR)/pgbench2

.PHONY: all build web pg run test-pg test bench-pg bench bench-web bench-quick proto cluster protoactor protoactor-check fmt vet pg-stop clean

all: build

# The binary embeds the web inbox (web/dist/app); `go build` alone works too and then serves a page saying
# how to build the app.
build: web
	$(GO) build -o bin/aezen ./cmd/aezen

# The web app: Node and npm from Debian when missing, npm ci when the lockfile changed, vite build.
web:
	scripts/web.sh build

# Dev database (durable). Skipped when DATABASE_URL is set.
pg:
	@if [ -z "$${DATABASE_URL:-}" ]; then $(PG) start $(PG_DEV) $(PG_PORT); \
	else echo "DATABASE_URL is set; not starting the project Postgres" >&2; fi

# Ctrl-C stops the node; Postgres keeps running (make pg-stop to stop it).
run: build
	@if [ -z "$${DATABASE_URL:-}" ]; then $(PG) start $(PG_DEV) $(PG_PORT) && export DATABASE_URL="$$($(PG) url $(PG_DEV) $(PG_PORT))"; fi; exec bin/aezen serve

# Test database (fsync etc. off). Skipped when AEZEN_TEST_DATABASE_URL is set.
test-pg:
	@if [ -z "$${AEZEN_TEST_DATABASE_URL:-}" ]; then $(PG) start $(PG_TEST) $(PG_TEST_PORT) --fast; fi
	@if [ -z "$${AEZEN_TEST_DATABASE_URL_2:-}" ]; then $(PG) start $(PG_TEST2) $(PG_TEST2_PORT) --fast; fi

# Every package runs with $(TEST_FLAGS) (-race by default), including those that run protoactor-go actor
# systems: third_party/protoactor-go is the pinned module with our race fix (README, "Tests and the race
# detector"). The cluster tests build the binary with -race too and fail on its members' race reports.
# The browser tests (web/e2e) need the built app and Chromium: make test provides both and makes them
# mandatory (AEZEN_BROWSER_TESTS=1); a plain `go test ./...` skips them when either is missing.
test: test-pg web
	@if [ -z "$${AEZEN_TEST_DATABASE_URL:-}" ]; then export AEZEN_TEST_DATABASE_URL="$$($(PG) url $(PG_TEST) $(PG_TEST_PORT))"; fi; \
	if [ -z "$${AEZEN_TEST_DATABASE_URL_2:-}" ]; then export AEZEN_TEST_DATABASE_URL_2="$$($(PG) url $(PG_TEST2) $(PG_TEST2_PORT))"; fi; \
	export AEZEN_CHROMIUM="$$(scripts/web.sh chromium)" AEZEN_BROWSER_TESTS=1; \
	echo "AEZEN_TEST_DATABASE_URL=$$AEZEN_TEST_DATABASE_URL AEZEN_TEST_DATABASE_URL_2=$$AEZEN_TEST_DATABASE_URL_2"; \
	$(GO) test $(TEST_FLAGS) -count=1 -timeout $(TEST_TIMEOUT) $(PKGS)

# Benchmarks use their own durable server so numbers reflect real fsync costs
# and don't disturb dev data. BENCH_DATABASE_URL overrides it.
bench-pg:
	@if [ -z "$${BENCH_DATABASE_URL:-}" ]; then $(PG) start $(PG_BENCH) $(PG_BENCH_PORT); fi
	@if [ -z "$${BENCH_DATABASE_URL_2:-}" ]; then $(PG) start $(PG_BENCH2) $(PG_BENCH2_PORT); fi

# The servers phase puts tenants on a second durable server (BENCH_DATABASE_URL_2 overrides it).
bench: bench-pg bench-web
	@export DATABASE_URL="$${BENCH_DATABASE_URL:-$$($(PG) url $(PG_BENCH) $(PG_BENCH_PORT))}" \
		BENCH_DATABASE_URL_2="$${BENCH_DATABASE_URL_2:-$$($(PG) url $(PG_BENCH2) $(PG_BENCH2_PORT))}"; $(GO) run ./cmd/aezen-bench

# The web inbox in Chromium (web/e2e/bench_test.go): inbound POST → visible in the open chat (p50/p99 over
# 200 messages) and the first render of an inbox of 10,000 conversations. Part of make bench.
bench-web: bench-pg web
	@export AEZEN_TEST_DATABASE_URL="$${BENCH_DATABASE_URL:-$$($(PG) url $(PG_BENCH) $(PG_BENCH_PORT))}" \
		AEZEN_CHROMIUM="$$(scripts/web.sh chromium)" AEZEN_BROWSER_TESTS=1; \
	$(GO) test ./web/e2e/ -run '^$$' -bench . -benchtime 1x -timeout 20m

bench-quick: bench-pg
	@export DATABASE_URL="$${BENCH_DATABASE_URL:-$$($(PG) url $(PG_BENCH) $(PG_BENCH_PORT))}"; $(GO) run ./cmd/aezen-bench -quick

# Regenerates protos/*.pb.go with buf and protoc-gen-go, installed into bin/tools by go install.
proto:
	GOBIN="$(CURDIR)/bin/tools" $(GO) install github.com/bufbuild/buf/cmd/buf@v1.47.2
	GOBIN="$(CURDIR)/bin/tools" $(GO) install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
	cd protos && PATH="$(CURDIR)/bin/tools:$$PATH" buf generate

cluster:
	scripts/cluster.sh

# Rewrites third_party/protoactor-go from the module cache and third_party/protoactor-go.patch;
# protoactor-check fails if the committed copy is not exactly that.
protoactor:
	scripts/protoactor.sh

protoactor-check:
	scripts/protoactor.sh check

# Fails (listing the files) if any Go file is not gofmt-formatted.
fmt:
	@unformatted="$$(find . -path ./.data -prune -o -path ./.git -prune -o -path ./bin -prune -o -path ./web/node_modules -prune -o -name '*.go' -print0 | xargs -0 -r $(GOFMT) -l)"; \
	if [ -n "$$unformatted" ]; then echo "not gofmt-formatted (run: gofmt -w <file>):" >&2; echo "$$unformatted" >&2; exit 1; fi

vet:
	$(GO) vet $(PKGS)

pg-stop:
	$(PG) stop $(PG_DEV)
	$(PG) stop $(PG_TEST)
	$(PG) stop $(PG_BENCH)
	$(PG) stop $(PG_TEST2)
	$(PG) stop $(PG_BENCH2)

clean:
	rm -rf bin web/dist/app
