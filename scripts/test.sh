#!/usr/bin/env bash
# The whole test suite: formatting, lints, every test (emulator-, browser- and terminal-backed ones included),
# and a build of the parser's fuzz target.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if command -v sccache >/dev/null 2>&1 && [ -z "${RUSTC_WRAPPER:-}" ]; then export RUSTC_WRAPPER=sccache; fi
export PARE_REQUIRE_EMULATOR=1 PARE_REQUIRE_BROWSER=1 PARE_REQUIRE_TMUX=1
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
bash scripts/fuzz-build.sh
cargo test --workspace --locked
