#!/usr/bin/env bash
# Builds the pare-policy fuzz targets (crates/policy/fuzz) so CI notices when they stop compiling, and
# optionally runs them for a while: `scripts/fuzz-build.sh --run 60` fuzzes `parse` for 60 seconds.
#
# cargo-fuzz needs nightly-only `-Z` flags (sanitizers, coverage instrumentation). On a stable toolchain
# RUSTC_BOOTSTRAP=1 lets stable rustc accept them; set PARE_FUZZ_SANITIZER=none to build without ASan.
set -euo pipefail
cd "$(dirname "$0")/../crates/policy"
run_secs=""
if [ "${1:-}" = "--run" ]; then run_secs="${2:-60}"; fi
if ! command -v cargo-fuzz >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked
fi
sanitizer="${PARE_FUZZ_SANITIZER:-address}"
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$(pwd)/fuzz/target}"
cargo fuzz build --sanitizer "$sanitizer" parse
if [ -n "$run_secs" ]; then
  mkdir -p fuzz/corpus/parse
  # Seed with the decision corpus' policies when the corpus is empty.
  if [ -z "$(ls -A fuzz/corpus/parse)" ]; then
    python3 - <<'PY'
import json, glob, os
n = 0
for path in sorted(glob.glob("../../fixtures/eval/*.json")):
    case = json.load(open(path))
    pols = case["policies"]
    docs = list(pols.get("identity", [])) + [p for l in pols.get("scps", []) for p in l]
    docs += [pols[k] for k in ("boundary", "resource_policy") if pols.get(k)]
    for d in docs:
        n += 1
        with open(f"fuzz/corpus/parse/seed-{n:04}.json", "w") as f:
            json.dump(d, f, indent=1)
PY
  fi
  cargo fuzz run --sanitizer "$sanitizer" parse fuzz/corpus/parse -- -max_total_time="$run_secs" -max_len=4096
fi
