# pathways: event-sourced orchestration of integrated care pathways.
# `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export GOTOOLCHAIN := local

# One Go module (go.mod at the root) holds every package; tools/ and tools/protoc are modules of
# their own so the tools' dependencies never enter the product's build graph. `make unit` runs the
# tests in groups, one after another, so two heavy suites never share the two cores of CI.
TEST_GROUPS := api events workflows workflows/journey/journeytest workflows/integration services/platform services/eventstore \
	services/governance services/finance services/dashboard services/coordinator \
	services/coordinator/integration services/worker services/devstack e2e
# -vet=off: `make lint` runs every go vet analyzer (govet enable-all) over the same packages, test
# files included, so go test's own vet pass would only type-check each package a second time.
GOTEST_FLAGS ?= -race -shuffle=on -count=1 -timeout=20m -vet=off
# Groups whose tests link the Temporal server (go.temporal.io/server and its ~1,300 packages) run
# without the race detector. With it, a cold CI run compiles that graph twice: race-instrumented for
# these tests and plain for golangci-lint and the e2e devstack binary. The services they drive are
# race-checked by their own groups' tests; these check the wiring on a real Temporal server.
# workflows/journey/journeytest (their test stack) has no tests, but `go test` still compiles it.
NORACE_GROUPS := services/devstack services/coordinator/integration workflows/integration workflows/journey/journeytest
DATA_DIR ?= $(CURDIR)/.data

# Pinned tools (tools/go.mod: buf, golangci-lint, workflowcheck; tools/protoc/go.mod: the protoc
# plugins, at the versions of the runtimes in go.mod). They are built once into bin/ and rebuilt
# only when a tools go.mod/go.sum changes. The tools modules are not in go.work, so their
# dependencies never enter the product's build graph; GOWORK=off lets them build on their own.
BIN := $(CURDIR)/bin
TOOLS_STAMP := $(BIN)/.tools-stamp
TOOLS_MODFILES := tools/go.mod tools/go.sum tools/protoc/go.mod tools/protoc/go.sum
BUF := $(BIN)/buf
GOLANGCI_LINT := $(BIN)/golangci-lint
WORKFLOWCHECK := $(BIN)/workflowcheck

.PHONY: help
help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: ## Run the whole system locally (embedded Temporal + UI, event store, every service, demo data under .data/).
	go run ./services/devstack/cmd/devstack --demo --data-dir $(DATA_DIR)

.PHONY: test
test: check-generated breaking lint workflowcheck browser-deps postgres-deps unit deploy-check clientsuite ## Run every check and test, as CI does.
	@echo "== $$(date +%T) make test: every check and test passed"

# The dashboard browser tests drive Debian's Chromium; install it when it is missing and we may.
.PHONY: browser-deps
browser-deps: ## Install Debian's chromium for the browser tests (when missing; needs root).
	@if command -v chromium >/dev/null 2>&1; then echo "== chromium: $$(chromium --version 2>/dev/null)"; \
	elif [ "$$(id -u)" = 0 ]; then echo "== installing chromium (Debian)"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "chromium is missing: install Debian's chromium package (the browser tests fail under CI without it)"; fi

# The PostgreSQL stores' tests, and the production-shape test, start their own PostgreSQL server
# from Debian's binaries (services/platform/pgserver); install them when missing and we may.
.PHONY: postgres-deps
postgres-deps: ## Install Debian's PostgreSQL server binaries for the PostgreSQL tests (when missing; needs root).
	@if ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then echo "== postgresql: $$(ls -d /usr/lib/postgresql/*/bin | tail -1)"; \
	elif [ "$$(id -u)" = 0 ]; then echo "== installing postgresql (Debian)"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else echo "postgresql is missing: install Debian's postgresql package (the PostgreSQL tests fail under CI without it)"; fi

# deploy/ is a module of its own (Helm, compose-go, BuildKit's parser and the Kubernetes API types
# never enter the product's build graph); its tests check the Dockerfile, the Compose file and the
# Helm chart without a Docker engine or a cluster.
.PHONY: deploy-check
deploy-check: ## Check deploy/: Dockerfile parses, Compose loads, the chart renders into strict Kubernetes types, the pod policy holds.
	@echo "== $$(date +%T) deploy checks (cd deploy && go test ./...)"
	cd deploy && GOWORK=off go test -count=1 -shuffle=on ./...

.PHONY: unit
unit: ## go test every group of packages (race detector but in NORACE_GROUPS, shuffled, uncached).
	@# A package under no group would never be tested: fail instead.
	@missing=$$(go list -f '{{.Dir}}' ./... | sed "s|^$(CURDIR)/||" | while read -r d; do \
		ok=; for g in $(TEST_GROUPS); do case "$$d/" in "$$g"/*) ok=1;; esac; done; [ -n "$$ok" ] || echo "$$d"; done); \
		if [ -n "$$missing" ]; then echo "packages in no TEST_GROUPS entry (add them to the Makefile): $$missing" >&2; exit 1; fi
	@for g in $(TEST_GROUPS); do \
		flags="$(GOTEST_FLAGS)"; \
		case " $(NORACE_GROUPS) " in *" $$g "*) flags="$(filter-out -race,$(GOTEST_FLAGS))";; esac; \
		nested=(); for o in $(TEST_GROUPS); do case "$$o" in "$$g"/*) nested+=(-e "/$$o\$$" -e "/$$o/");; esac; done; \
		pkgs=$$(go list ./$$g/... | { if [ $${#nested[@]} -gt 0 ]; then grep -v "$${nested[@]}"; else cat; fi; }); \
		echo "== $$(date +%T) go test $$flags ./$$g/..."; go test $$flags $$pkgs; \
	done

.PHONY: vet
vet: ## go vet every package.
	go vet ./...

.PHONY: tidy
tidy: ## go mod tidy the module (and the tools and deploy modules).
	go mod tidy
	cd tools && GOWORK=off go mod tidy
	cd tools/protoc && GOWORK=off go mod tidy
	cd deploy && GOWORK=off go mod tidy

.PHONY: tools
tools: $(TOOLS_STAMP) ## Build the pinned tools into bin/ (once; again only when tools/ go.mod changes).

$(TOOLS_STAMP): $(TOOLS_MODFILES)
	@mkdir -p $(BIN)
	@echo "== $$(date +%T) building pinned tools into bin/ (first time takes minutes)"
	cd tools && GOWORK=off go build -o $(BIN)/ tool
	cd tools/protoc && GOWORK=off go build -o $(BIN)/ tool
	@touch $@

.PHONY: generate
generate: $(TOOLS_STAMP) ## Regenerate the Go (and gateways, OpenAPI) beside every api/proto .proto file.
	@tools/generate.sh

.PHONY: check-generated
check-generated: $(TOOLS_STAMP) ## Regenerate and fail, listing the files, if the committed generated code differs.
	@tools/check-generated.sh

.PHONY: lint
lint: $(TOOLS_STAMP) ## buf lint the contracts, then golangci-lint (.golangci.yml) every package.
	@if [ -n "$$(find api/proto -name '*.proto' 2>/dev/null)" ]; then echo "== $$(date +%T) buf lint api/"; (cd api && $(BUF) lint); fi
	@echo "== $$(date +%T) golangci-lint ./..."; $(GOLANGCI_LINT) run --config $(CURDIR)/.golangci.yml ./...

.PHONY: breaking
breaking: $(TOOLS_STAMP) ## buf breaking: api/proto against its previous committed version (BREAKING_AGAINST=<git ref> to choose).
	@tools/breaking.sh

# Workflows are registered from non-test code, so test files are left out (-test=false): they would
# drag the embedded event store and test servers into the analysis for nothing.
.PHONY: workflowcheck
workflowcheck: $(TOOLS_STAMP) ## Check workflows/ for non-deterministic workflow code (time.Now, goroutines, map range, I/O).
	@if [ -z "$$(cd workflows && go list ./... 2>/dev/null)" ]; then echo "workflowcheck: no Go packages in workflows/ yet, skipped"; exit 0; fi; \
	echo "== $$(date +%T) workflowcheck ./workflows/..."; cd workflows && $(WORKFLOWCHECK) -test=false ./...

.PHONY: clientsuite
clientsuite: ## Run the official Go clients' own tests (KurrentDB-Client-Go, EventStore-Client-Go v4) against the event store.
	@echo "== $$(date +%T) clientsuite"
	go run ./services/eventstore/cmd/clientsuite
