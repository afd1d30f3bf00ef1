#!/usr/bin/env bash
# generate: run buf on api/ (buf.gen.yaml for every .proto, buf.gen.gateway.yaml once per
# <service>.gateway.yaml) and bring the generated files under api/proto up to date with the
# result. Run through `make generate` (it builds the pinned tools first).
#
# buf writes into a scratch directory first; then only files whose content changed are copied
# over, and generated files that no .proto produces any more are deleted. So a file is never
# missing, even for a moment, for someone building at the same time, and nothing goes stale.
set -euo pipefail
cd "$(dirname "$0")/../api"
BUF="${BUF:-$PWD/../bin/buf}"

if [[ -z "$(find proto -name '*.proto' 2>/dev/null)" ]]; then
	echo "generate: no .proto files under api/proto yet"
	exit 0
fi

generated() { # the generated files under $1, relative to $1
	(cd "$1" && find proto -type f \( -name '*.pb.go' -o -name '*.pb.gw.go' -o -name '*.swagger.json' \) | sort)
}

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

"$BUF" generate --output "$out"
while IFS= read -r cfg; do
	dir="$(dirname "$cfg")"
	echo "== gateway + OpenAPI for $dir ($cfg)"
	"$BUF" generate --output "$out" --path "$dir" \
		--template "$(sed "s|@GATEWAY_CONFIG@|$cfg|g" buf.gen.gateway.yaml)"
done < <(find proto -name '*.gateway.yaml' | sort)

while IFS= read -r f; do
	if ! cmp -s "$out/$f" "$f"; then cp "$out/$f" "$f"; fi
done < <(generated "$out")
comm -13 <(generated "$out") <(generated .) | while IFS= read -r stale; do
	echo "generate: removing $stale (no .proto generates it any more)"
	rm -f "$stale"
done
