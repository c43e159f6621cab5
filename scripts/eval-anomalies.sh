#!/usr/bin/env bash
# Precision, recall and F1 of the anomaly detectors per kind over labelled office scenarios
# (`generate --scenario office`), tuned on the odd seeds and reported on the even ones, false
# positives per hour of clean traffic, beside scikit-learn's IsolationForest (contamination
# 0.01 and auto) and pyod's ECOD on per-host features of the same runs.
#
#   scripts/eval-anomalies.sh            # 10 + 10 seeds of an hour, 4 clean hours
#   SEEDS=3 CLEAN_HOURS=1 scripts/eval-anomalies.sh
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=${SEEDS:-10}
CLEAN_HOURS=${CLEAN_HOURS:-4}
WORK=${WORK:-$(mktemp -d /tmp/netanalyzer-eval.XXXXXX)}
VENV=${VENV:-target/eval-venv}
cargo build --release --quiet
if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet scikit-learn pyod
fi
trap 'rm -rf "$WORK"' EXIT
"$VENV/bin/python" scripts/eval_anomalies.py target/release/netanalyzer "$WORK" \
    --seeds "$SEEDS" --clean-hours "$CLEAN_HOURS"
