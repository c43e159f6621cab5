#!/usr/bin/env bash
# Builds netanalyzer and analyzes the shipped sample captures; no server needed.
# Usage: scripts/demo.sh    (reports land in reports/samples/)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
./target/release/netanalyzer analyze samples --out reports/samples "$@"
