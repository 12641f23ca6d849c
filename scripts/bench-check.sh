#!/usr/bin/env bash
# Benchmark of `pare check`: one typical policy pair, a repository of 200 policy files (directory and git
# revisions), and the same with an over-broad head. Times whole process runs (catalog load included).
#
# Usage: scripts/bench-check.sh [RUNS]     (PARE=path/to/pare to use a prebuilt binary)
# Prints a Markdown table; record it in reports/benchmarks.md.
set -euo pipefail

RUNS="${1:-20}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PARE="${PARE:-}"
if [ -z "$PARE" ]; then
    cargo build --release -p pare --manifest-path "$ROOT/Cargo.toml" >&2
    PARE="${CARGO_TARGET_DIR:-$ROOT/target}/release/pare"
fi
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

# Generate 200 policy files (4-8 statements: S3 prefixes, SQS, DynamoDB with conditions, KMS, a Deny), a head
# tree where every tenth file is broadened and every seventh narrowed, and a git repository with both commits.
python3 - "$WORK" <<'PY'
import json, os, random, sys
root = sys.argv[1]
rnd = random.Random(42)
svc = [
    lambda i: {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": f"arn:aws:s3:::data-{i}/app/*"},
    lambda i: {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::data-{i}",
               "Condition": {"StringLike": {"s3:prefix": ["app/*", "shared/*"]}}},
    lambda i: {"Effect": "Allow", "Action": ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage"],
               "Resource": f"arn:aws:sqs:eu-west-1:111122223333:jobs-{i}"},
    lambda i: {"Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:PutItem"],
               "Resource": f"arn:aws:dynamodb:eu-west-1:111122223333:table/t{i}",
               "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}},
    lambda i: {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": f"arn:aws:kms:eu-west-1:111122223333:key/k-{i}",
               "Condition": {"StringEquals": {"kms:ViaService": "s3.eu-west-1.amazonaws.com"}}},
    lambda i: {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
               "Resource": f"arn:aws:logs:eu-west-1:111122223333:log-group:/app/{i}:*"},
    lambda i: {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*",
               "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}},
]
def policy(i):
    k = 4 + rnd.randrange(5)
    stmts = [dict(f(i), Sid=f"S{j}") for j, f in enumerate(rnd.sample(svc, min(k, len(svc))))]
    return {"Version": "2012-10-17", "Statement": stmts}
for side in ("base", "head"):
    os.makedirs(os.path.join(root, side, "iam"), exist_ok=True)
for i in range(200):
    p = policy(i)
    h = json.loads(json.dumps(p))
    if i % 10 == 0:      # broadened: a wildcard action
        h["Statement"][0]["Action"] = "s3:*" if "s3" in json.dumps(h["Statement"][0]) else "*"
    elif i % 7 == 0:     # narrowed: a condition added
        h["Statement"][0]["Condition"] = {"Bool": {"aws:SecureTransport": "true"}}
    for side, doc in (("base", p), ("head", h)):
        with open(os.path.join(root, side, "iam", f"p{i:03}.json"), "w") as f:
            json.dump(doc, f, indent=2)
# A typical pair: the first broadened file.
PY
(
    cd "$WORK" && mkdir repo && cp -r base/iam repo/ && cd repo &&
    git init -q -b main && git add . &&
    git -c user.name=bench -c user.email=bench@example.invalid commit -q -m base &&
    rm -rf iam && cp -r ../head/iam . && git add -A &&
    git -c user.name=bench -c user.email=bench@example.invalid commit -q -m head
)

ms() { date +%s%N; }
bench() { # name, expected exit, dir, args...
    local name="$1" want="$2" dir="$3"; shift 3
    local best=999999999 total=0 i start end code
    for ((i = 0; i < RUNS; i++)); do
        start=$(ms)
        set +e; (cd "$dir" && "$PARE" "$@" >/dev/null 2>&1); code=$?; set -e
        end=$(ms)
        if [ "$code" != "$want" ]; then echo "unexpected exit $code for $name" >&2; exit 1; fi
        local d=$(( (end - start) / 1000 ))
        total=$(( total + d )); (( d < best )) && best=$d
    done
    # CPU time per run (perf's task-clock): unlike wall time, it does not grow when other work shares the cores.
    local cpu="n/a"
    if command -v perf >/dev/null 2>&1; then
        cpu=$(cd "$dir" && { perf stat -x, -e task-clock -r "$RUNS" "$PARE" "$@" 2>&1 >/dev/null || true; } |
            awk -F, '/task-clock/ { printf "%.1f", $1 }')
    fi
    printf '| %s | %d | %.1f | %.1f | %s |\n' "$name" "$RUNS" "$(echo "$total / $RUNS / 1000" | bc -l)" "$(echo "$best / 1000" | bc -l)" "${cpu:-n/a}"
}

echo "| case | runs | mean ms | best ms | CPU ms (task-clock) |"
echo "| --- | --- | --- | --- | --- |"
bench "one pair, not broader (p001)" 0 "$WORK" check --base base/iam/p001.json --head head/iam/p001.json
bench "one pair, broader (p010: s3:*)" 1 "$WORK" check --base base/iam/p010.json --head head/iam/p010.json
bench "one pair, broader, SARIF" 1 "$WORK" check --base base/iam/p010.json --head head/iam/p010.json --format sarif
bench "200 files, directories" 1 "$WORK" check --base base/iam --head head/iam
bench "200 files, identical" 0 "$WORK" check --base base/iam --head base/iam
bench "200 files, git HEAD~1:iam/ vs iam/" 1 "$WORK/repo" check --base HEAD~1:iam/ --head iam/

# The decision alone, without process start, catalog load and parsing.
EXAMPLE="$(dirname "$PARE")/examples/bench_compare"
if [ ! -x "$EXAMPLE" ]; then
    cargo build --release -p pare-drift --example bench_compare --manifest-path "$ROOT/Cargo.toml" >&2
    EXAMPLE="${CARGO_TARGET_DIR:-$ROOT/target}/release/examples/bench_compare"
fi
"$EXAMPLE" "$WORK/base/iam/p010.json" "$WORK/head/iam/p010.json" "$RUNS"
"$EXAMPLE" "$WORK/base/iam" "$WORK/head/iam" 5
