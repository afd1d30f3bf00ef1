#!/usr/bin/env bash
# check-generated: regenerate the code under api/proto and fail if that changed anything, listing
# the files. Run through `make check-generated` (it builds the pinned tools first).
#
# Two checks, so it is right both in CI and on a developer's tree:
#  1. Content: every generated file (*.pb.go, *.pb.gw.go, *.swagger.json) is hashed before and
#     after regeneration; any file added, changed or removed fails. This holds on a dirty tree too
#     (e.g. you edited a .proto and forgot `make generate`).
#  2. Git: if api/ had no uncommitted change before (always so on a clean clone, as in CI),
#     `git status --porcelain api/` must still be empty afterwards, which also catches output
#     written anywhere unexpected under api/.
set -euo pipefail
cd "$(dirname "$0")/.."

snapshot() {
	find api/proto -type f \( -name '*.pb.go' -o -name '*.pb.gw.go' -o -name '*.swagger.json' \) \
		-print0 2>/dev/null | sort -z | xargs -0 -r sha256sum
}

git_status() {
	git status --porcelain --untracked-files=all -- api/ 2>/dev/null || true
}

in_git=false
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then in_git=true; fi

before="$(snapshot)"
status_before=""
if $in_git; then status_before="$(git_status)"; fi

make --no-print-directory generate

after="$(snapshot)"
failed=false
if [[ "$before" != "$after" ]]; then
	failed=true
	echo "check-generated: regeneration changed these generated files:" >&2
	{ diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") || true; } |
		sed -n 's/^[<>] [0-9a-f]\{64\}  /  /p' | sort -u >&2
fi

if $in_git && [[ -z "$status_before" ]]; then
	status_after="$(git_status)"
	if [[ -n "$status_after" ]]; then
		failed=true
		echo "check-generated: api/ differs from the commit after regeneration (git status --porcelain api/):" >&2
		printf '%s\n' "$status_after" | sed 's/^/  /' >&2
	fi
fi

if $failed; then
	echo "check-generated: the committed generated code does not match the .proto files." >&2
	echo "Run 'make generate' and commit the .proto files together with what it writes." >&2
	exit 1
fi
echo "check-generated: generated code is up to date"
