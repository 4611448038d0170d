#!/usr/bin/env bash
# Regenerates third_party/protoactor-go: the pinned protoactor-go module from the module cache, with
# third_party/protoactor-go.patch applied, stripped to the packages this repo's build and tests import
# (non-test .go files only, plus go.mod and LICENSE). go.mod replaces the module with that copy, so that a
# plain `go build ./...` on a clean clone uses it. Why: README, "Tests and the race detector".
#
#   scripts/protoactor.sh          rewrite third_party/protoactor-go
#   scripts/protoactor.sh check    fail if the copy differs from what the rewrite would produce
#
# To change the patch: run `scripts/protoactor.sh pristine DIR` (an unpatched full copy in DIR), copy DIR,
# edit the copy, `diff -ruN DIR COPY > third_party/protoactor-go.patch` (paths from the module root, -p1),
# then run this script.
set -euo pipefail

MODULE=github.com/asynkron/protoactor-go
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/third_party/protoactor-go"
PATCH="$ROOT/third_party/protoactor-go.patch"
GO="${GO:-go}"

cd "$ROOT"
version="$($GO list -m -f '{{.Version}}' "$MODULE")"
src="$($GO mod download -json "$MODULE@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
[ -d "$src" ] || { echo "protoactor.sh: $MODULE@$version not in the module cache" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

full="$tmp/full"
cp -R "$src" "$full"
chmod -R u+w "$full"
if [ "${1:-}" = pristine ]; then
	[ -n "${2:-}" ] || { echo "usage: $0 pristine DIR" >&2; exit 2; }
	cp -R "$full" "$2"
	exit 0
fi
patch -s -p1 -d "$full" <"$PATCH"

# The packages of the module that our packages and their tests import, resolved against the patched full
# copy (a temporary go.mod with the replace pointed there; the repo's go.mod is not touched).
cp go.mod "$tmp/go.mod"
cp go.sum "$tmp/go.sum"
$GO mod edit -modfile="$tmp/go.mod" -replace="$MODULE=$full"
pkgs="$($GO list -modfile="$tmp/go.mod" -deps -test -f '{{if .Module}}{{.Module.Path}} {{.ImportPath}}{{end}}' ./... |
	awk -v m="$MODULE" '$1 == m { print $2 }' | sort -u)"
[ -n "$pkgs" ] || { echo "protoactor.sh: no $MODULE packages found" >&2; exit 1; }

out="$tmp/out"
mkdir -p "$out"
cp "$full/go.mod" "$full/LICENSE" "$out/"
for pkg in $pkgs; do
	rel="${pkg#"$MODULE"}"
	rel="${rel#/}"
	mkdir -p "$out/$rel"
	for f in "$full/${rel:-.}"/*.go; do
		case "$f" in *_test.go) continue ;; esac
		cp "$f" "$out/$rel/"
	done
done

if [ "${1:-}" = check ]; then
	if ! diff -r "$out" "$DEST" >/dev/null; then
		diff -r "$out" "$DEST" | head -40 >&2
		echo "third_party/protoactor-go is not the patched module: run scripts/protoactor.sh" >&2
		exit 1
	fi
	exit 0
fi
rm -rf "$DEST"
cp -R "$out" "$DEST"
echo "third_party/protoactor-go: $MODULE@$version + $(basename "$PATCH"), $(echo "$pkgs" | wc -l) packages"
