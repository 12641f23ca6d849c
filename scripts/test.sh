#!/usr/bin/env bash
# The whole test suite: formatting, lints, and every test (emulator-backed ones included).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if command -v sccache >/dev/null 2>&1 && [ -z "${RUSTC_WRAPPER:-}" ]; then export RUSTC_WRAPPER=sccache; fi
export PARE_REQUIRE_EMULATOR=1 PARE_REQUIRE_BROWSER=1
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked
