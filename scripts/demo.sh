#!/usr/bin/env bash
# Builds pare, replays the bundled real CloudTrail logs (printing the usage summary), then runs the worked
# scenario end to end: declared policies from a Terraform plan, analysis, proposal and auditor report.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -q -p pare
pare="${CARGO_TARGET_DIR:-target}/release/pare"
out="${CARGO_TARGET_DIR:-target}/demo"
mkdir -p "$out"

echo "== pare replay fixtures/cloudtrail-real (2,248 real CloudTrail records)"
"$pare" replay fixtures/cloudtrail-real --out "$out/usage.json"
python3 - "$out/usage.json" <<'PY'
import json, sys
u = json.load(open(sys.argv[1]))
print(f"\n{len(u['principals'])} principals, window {u['window']['start']} .. {u['window']['end']}")
for p in sorted(u["principals"], key=lambda p: -sum(a["count"] for a in p["actions"]))[:12]:
    calls = sum(a["count"] for a in p["actions"]); denied = sum(a["denied"] for a in p["actions"])
    print(f"  {p['arn']:<90} {p['type']:<12} {len(p['actions']):>4} actions {calls:>5} calls {denied:>4} denied")
PY

echo
echo "== worked scenario: fixtures/scenarios/reports-app"
s=fixtures/scenarios/reports-app
"$pare" replay "$s/cloudtrail" --out "$out/scenario-usage.json" -q
"$pare" policies "$s/terraform/plan.json" --param account_id=111122223333 --out "$out/scenario-policies.json" -q
"$pare" analyze --usage "$out/scenario-usage.json" --policies "$out/scenario-policies.json" | head -60
"$pare" propose --usage "$out/scenario-usage.json" --policies "$out/scenario-policies.json" --format terraform --out "$out/proposed"
"$pare" report --usage "$out/scenario-usage.json" --policies "$out/scenario-policies.json" --format html --out "$out/report.html"
echo "proposals in $out/proposed/, report in $out/report.html"
