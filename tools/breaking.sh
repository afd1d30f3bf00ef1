#!/usr/bin/env bash
# breaking: `buf breaking` (rules: FILE, from api/buf.yaml) of the contracts in the working tree
# against an earlier committed version of api/proto. Run through `make breaking`.
#
# What "earlier" is (BREAKING_AGAINST=<git ref> overrides):
#  - uncommitted changes under api/proto: HEAD (what you are changing now);
#  - on a branch other than main: where the branch left main (git merge-base HEAD main);
#  - otherwise (main, e.g. CI on a clean clone): the parent of the last commit that touched
#    api/proto, i.e. the most recent contract change must not break the version before it.
# It skips, saying why, when there is no git history or that version has no api/proto yet.
set -euo pipefail
cd "$(dirname "$0")/.."
BUF="${BUF:-$PWD/bin/buf}"

skip() {
	echo "breaking: skipped: $*"
	exit 0
}

git rev-parse --is-inside-work-tree >/dev/null 2>&1 || skip "not a git work tree"
[[ -n "$(find api/proto -name '*.proto' 2>/dev/null)" ]] || skip "no .proto files under api/proto"

against="${BREAKING_AGAINST:-}"
why="BREAKING_AGAINST"
if [[ -z "$against" ]]; then
	if [[ -n "$(git status --porcelain --untracked-files=all -- 'api/proto/*.proto' 'api/proto/**/*.proto')" ]]; then
		against=HEAD why="uncommitted .proto changes"
	elif git rev-parse -q --verify refs/heads/main >/dev/null &&
		[[ "$(git rev-parse HEAD)" != "$(git rev-parse refs/heads/main)" ]]; then
		against="$(git merge-base HEAD refs/heads/main)" why="where this branch left main"
	else
		last="$(git log -1 --format=%H -- api/proto)"
		[[ -n "$last" ]] || skip "no commit touches api/proto yet"
		git rev-parse -q --verify "$last^" >/dev/null || skip "the first commit of api/proto has no parent"
		against="$last^" why="before the last commit that changed api/proto (${last:0:12})"
	fi
fi

git rev-parse -q --verify "$against^{commit}" >/dev/null || skip "git ref '$against' not found (shallow clone?)"
git cat-file -e "$against:api/proto" 2>/dev/null || skip "$against has no api/proto yet: nothing to break"

old="$(mktemp -d)"
trap 'rm -rf "$old"' EXIT
# Only api/proto is extracted, so the old tree is read as one plain module rooted there (import
# paths pathways/<area>/v1/...), the same paths as the module in api/buf.yaml.
git archive "$against" api/proto | tar -x -C "$old"

echo "== buf breaking api/proto against $(git rev-parse --short "$against") ($why)"
cd api
if ! "$BUF" breaking --against "$old/api/proto"; then
	echo "breaking: the changes above break a committed contract. Keep v1 compatible (add, never" >&2
	echo "remove/renumber/rename/retype; reserve what you drop) or start pathways.<area>.v2 (api/README.md)." >&2
	exit 1
fi
