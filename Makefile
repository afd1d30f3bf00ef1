# pathways: event-sourced orchestration of integrated care pathways.
# `make help` lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

export GOTOOLCHAIN := local
export GOFLAGS := -buildvcs=false

# Every module in the workspace, read from go.work so a new module is picked up by adding it there.
MODULES := $(shell sed -n 's|^[[:space:]]*\./\([^[:space:]]*\)$$|\1|p' go.work)
GOTEST_FLAGS ?= -race -shuffle=on -count=1 -timeout=20m
DATA_DIR ?= $(CURDIR)/.data

.PHONY: help
help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-18s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: ## Run the whole system locally on embedded defaults (data under .data/).
	go run ./services/eventstore/cmd/eventstore --data-dir $(DATA_DIR)/eventstore

.PHONY: test
test: unit ## Run every check and test, as CI does.

.PHONY: unit
unit: ## go test every module (race detector, shuffled, uncached).
	@for m in $(MODULES); do echo "== go test ./$$m/..."; (cd $$m && go test $(GOTEST_FLAGS) ./...); done

.PHONY: vet
vet: ## go vet every module.
	@for m in $(MODULES); do (cd $$m && go vet ./...); done

.PHONY: tidy
tidy: ## go mod tidy every module.
	@for m in $(MODULES); do (cd $$m && go mod tidy); done
