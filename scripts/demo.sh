#!/usr/bin/env bash
# Builds netanalyzer and analyzes the shipped sample captures, one of each kind of traffic
# (samples/formats/ holds the same office traffic in other formats, for the tests); no server
# needed.
# Usage: scripts/demo.sh [analyze flags]    (reports land in reports/samples/)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x target/release/netanalyzer ]; then
    echo "== building netanalyzer (about 3 minutes the first time on 2 cores)"
fi
cargo build --release
./target/release/netanalyzer analyze samples/*.pcap samples/*.pcapng --out reports/samples "$@"
