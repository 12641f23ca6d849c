#!/usr/bin/env bash
# Runs the real `pare tui` in tmux on the reports-app scenario, sends keys, captures the pane and asserts on
# what is shown; then checks NO_COLOR and that the terminal is restored (cooked mode) after exit.
# Usage: scripts/tui-tmux-test.sh [path/to/pare]   (default: $PARE, else target/debug/pare)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PARE="${1:-${PARE:-$ROOT/target/debug/pare}}"
command -v tmux >/dev/null || { echo "tui-tmux-test: tmux is not installed" >&2; exit 3; }
[ -x "$PARE" ] || { echo "tui-tmux-test: no pare binary at $PARE" >&2; exit 3; }
SCEN="$ROOT/fixtures/scenarios/reports-app"
TMP="$(mktemp -d)"
SESSION="pare-tui-test-$$"
export TMUX_TMPDIR="$TMP"   # a private tmux server
cleanup() { tmux kill-server 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT

fail() {
  echo "FAIL: $1" >&2
  echo "---- pane ----" >&2
  tmux capture-pane -p -t "$SESSION" >&2 2>/dev/null || true
  exit 1
}

# wait_for TEXT [seconds]: until the pane shows TEXT.
wait_for() {
  local text="$1" secs="${2:-30}" i=0
  while [ "$i" -lt $((secs * 10)) ]; do
    if tmux capture-pane -p -t "$SESSION" 2>/dev/null | grep -qF -- "$text"; then return 0; fi
    sleep 0.1; i=$((i + 1))
  done
  fail "timed out waiting for \`$text\`"
}

# key KEY...: sends keys one at a time (a lone Escape must not merge with the next key into a sequence).
key() {
  local k
  for k in "$@"; do tmux send-keys -t "$SESSION" "$k"; sleep 0.15; done
}

# start ENV...: runs pare tui in a 100x30 pane; its exit status and `stty -a` after it land in $TMP.
start() {
  rm -f "$TMP/exit" "$TMP/stty"
  # Right after `kill-server` the old server may still be going away ("server exited unexpectedly"): retry.
  local i=0
  until tmux new-session -d -s "$SESSION" -x 100 -y 30 \
    "env $* '$PARE' tui --logs '$SCEN/cloudtrail' --policies '$SCEN/terraform/plan.json' --param account_id=111122223333; echo \$? > '$TMP/exit'; stty -a > '$TMP/stty'; sleep 30" 2>/dev/null; do
    i=$((i + 1)); [ "$i" -lt 50 ] || fail "tmux would not start a session"
    sleep 0.1
  done
}

wait_exit() {
  local i=0
  while [ ! -s "$TMP/stty" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  [ -s "$TMP/exit" ] || fail "pare tui did not exit"
  [ "$(cat "$TMP/exit")" = 0 ] || fail "pare tui exited with $(cat "$TMP/exit")"
  grep -q -- ' icanon' "$TMP/stty" && grep -q -- ' echo ' "$TMP/stty" || fail "terminal left in raw mode: $(cat "$TMP/stty")"
}

# 1. The walk through the screens.
start TERM=xterm-256color
wait_for "principals (2 declared" 60
wait_for "role/reports-app"
wait_for "role/reports-batch"
key s            # sort by unused fraction
wait_for "sort: unused fraction"
key / r e p o r t s - b a t c h Enter
wait_for "filter \`reports-"   # the header is cut at the pane width; the list below shows the filtered row
key Enter        # open the principal
wait_for "granted 1126"
wait_for "used/granted by level"
key Tab          # used actions only
wait_for "showing used"
key Enter        # drill into the first used action
wait_for "allowed by"
wait_for "sample events"
key Enter        # its first sample event, read from the logs
wait_for '"eventVersion"' 30
key Escape Escape  # back to the principal
wait_for "showing used"
key p            # the proposal beside the current policy
wait_for "[2 balanced]"
wait_for "- current policy   + proposal" 60
tmux capture-pane -p -t "$SESSION" | grep -qE '^\+ ' || fail "no added line in the diff"
tmux capture-pane -p -t "$SESSION" | grep -qE '^- ' || fail "no removed line in the diff"
key 1            # exact
wait_for "[1 exact]"
wait_for "- current policy   + proposal" 60
key w            # write it
wait_for "write json to:"
for _ in $(seq 1 40); do tmux send-keys -t "$SESSION" BSpace; done
sleep 0.3
tmux send-keys -t "$SESSION" -l "$TMP/proposal.json"
key Enter
wait_for "wrote "
grep -q '"Statement"' "$TMP/proposal.json" || fail "the written proposal is not a policy"
key '?'          # help
wait_for "show or hide this help"
key Escape
key Escape Escape  # back to the principals
wait_for "window 2026-11-01"
key g            # graph
wait_for "who can assume whom"
wait_for "escalation paths"
tmux resize-window -t "$SESSION" -x 80 -y 24 2>/dev/null || true
wait_for "who can assume whom"
key q
wait_exit
echo "ok: screens, search, drill-down, event JSON, proposal diff, strictness, write, help, graph, exit"

# 2. Colours by default, none with NO_COLOR.
tmux kill-server 2>/dev/null || true
start TERM=xterm-256color
wait_for "role/reports-batch" 60
tmux capture-pane -e -p -t "$SESSION" | grep -q $'\e\[[0-9;]*3[0-9]' || fail "no colour without NO_COLOR"
key q
wait_exit
tmux kill-server 2>/dev/null || true
start TERM=xterm-256color NO_COLOR=1
wait_for "role/reports-batch" 60
if tmux capture-pane -e -p -t "$SESSION" | grep -qE $'\e\\[([0-9]+;)*(3[0-7]|9[0-7]|38;5|38;2|4[0-7]|48;5)[;m]'; then
  fail "colour escape sequences with NO_COLOR set"
fi
key C-c
wait_exit
echo "ok: NO_COLOR, Ctrl-C, terminal restored"
