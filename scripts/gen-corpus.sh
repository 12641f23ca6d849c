#!/usr/bin/env bash
# Generates the synthetic CloudTrail corpus for scripts/bench-replay.sh: .json.gz files in the S3 layout
# (AWSLogs/<account>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/...), built from the real events in
# fixtures/cloudtrail-real with varied accounts, principals, regions, times, ids and S3 resources.
#
#   scripts/gen-corpus.sh [OUT_DIR] [SIZE_MB] [SEED]     (defaults: bench-data/corpus 1024 1)
#
# Deterministic for a given size and seed. bench-data/ is git-ignored.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-bench-data/corpus}"
size_mb="${2:-1024}"
seed="${3:-1}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build --release -q -p pare-trail --example gen_corpus
rm -rf "$out"
mkdir -p "$out"
"$CARGO_TARGET_DIR/release/examples/gen_corpus" --out "$out" --size-mb "$size_mb" --seed "$seed"
