#!/usr/bin/env bash
# Builds pare and replays the bundled real CloudTrail logs, printing the usage summary.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q -p pare
mkdir -p target/demo
./target/release/pare replay fixtures/cloudtrail-real --out target/demo/usage.json
./target/release/pare analyze --usage target/demo/usage.json --format text 2>/dev/null || true
