#!/usr/bin/env bash
# Refreshes the IAM catalog data embedded by crates/catalog from a data directory (default: ../shared/data,
# or the first argument): copies the embedded files, PROVENANCE.md and LICENSES/, then checks every file's
# sha256 and size against the table in PROVENANCE.md. A data update therefore means updating PROVENANCE.md
# first (where the data came from, its sha256), then running this script, then `cargo test -p pare-catalog`.
set -euo pipefail
cd "$(dirname "$0")/.."
src="${1:-../shared/data}"
dst="crates/catalog/data"
files=(iam-definition.json api-to-iam-map-2026.json cloudtrail-eventsource-map.json)

if [ ! -d "$src" ]; then
  echo "error: data directory \`$src\` does not exist (usage: scripts/refresh-catalog.sh [DIR])" >&2
  exit 2
fi
for f in "${files[@]}" PROVENANCE.md; do
  if [ ! -f "$src/$f" ]; then
    echo "error: \`$src/$f\` is missing" >&2
    exit 2
  fi
done
if [ ! -d "$src/LICENSES" ]; then
  echo "error: \`$src/LICENSES\` is missing: the MIT notices must travel with the data" >&2
  exit 2
fi

# Check before copying, so a bad source leaves the repository untouched.
status=0
for f in "${files[@]}"; do
  row="$(grep -F "| \`$f\` |" "$src/PROVENANCE.md" || true)"
  if [ -z "$row" ]; then
    echo "error: \`$f\` has no row in $src/PROVENANCE.md" >&2
    status=2
    continue
  fi
  want_sha="$(printf '%s' "$row" | grep -oE '[0-9a-f]{64}' | head -n1)"
  want_size="$(printf '%s' "$row" | awk -F'|' '{gsub(/[ ,]/, "", $3); print $3}')"
  got_sha="$(sha256sum "$src/$f" | cut -d' ' -f1)"
  got_size="$(wc -c < "$src/$f" | tr -d ' ')"
  if [ "$got_sha" != "$want_sha" ]; then
    echo "error: sha256 of \`$src/$f\` is $got_sha, PROVENANCE.md says $want_sha" >&2
    status=2
  elif [ "$got_size" != "$want_size" ]; then
    echo "error: size of \`$src/$f\` is $got_size bytes, PROVENANCE.md says $want_size" >&2
    status=2
  else
    echo "ok: $f ($got_size bytes, sha256 $got_sha)"
  fi
done
if [ "$status" -ne 0 ]; then
  exit "$status"
fi

mkdir -p "$dst/LICENSES"
for f in "${files[@]}" PROVENANCE.md; do
  if ! cmp -s "$src/$f" "$dst/$f"; then
    cp "$src/$f" "$dst/$f"
    echo "updated: $dst/$f"
  fi
done
for lic in "$src"/LICENSES/*; do
  name="$(basename "$lic")"
  if ! cmp -s "$lic" "$dst/LICENSES/$name"; then
    cp "$lic" "$dst/LICENSES/$name"
    echo "updated: $dst/LICENSES/$name"
  fi
done
echo "catalog data is current; run \`cargo test -p pare-catalog\` to check the invariants against it"
