#!/usr/bin/env bash
# Prints a digest of every output netanalyzer writes for each sample capture and, where
# ../shared/corpus is present, each corpus capture: one line per input, `input sha256-of-outputs
# exit-code`. Two runs of different builds diff to nothing when a change kept the outputs byte for
# byte (a refactor's check).
# Usage: scripts/digest.sh [BINARY] > digests.txt     (BINARY: target/release/netanalyzer)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/netanalyzer}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
inputs=(samples/*.pcap samples/*.pcapng samples/formats/*)
[ -d ../shared/corpus/files ] && while IFS= read -r f; do inputs+=("$f"); done < <(find ../shared/corpus/files -type f | sort)
for input in "${inputs[@]}"; do
    rm -rf "$tmp/out"
    code=0
    "$bin" analyze "$input" --out "$tmp/out" --quiet --parquet flows,packets --influx-out "$tmp/lines.lp" \
        >/dev/null 2>"$tmp/stderr" || code=$?
    [ -d "$tmp/out" ] || mkdir "$tmp/out"
    cp "$tmp/stderr" "$tmp/out/stderr.txt"
    [ -f "$tmp/lines.lp" ] && mv "$tmp/lines.lp" "$tmp/out/lines.lp"
    sum=$(cd "$tmp/out" && find . -type f | sort | xargs sha256sum | sha256sum | cut -c1-16)
    echo "$input $sum $code"
done
# All samples together, with every table spilled to disk.
rm -rf "$tmp/out"
code=0
"$bin" analyze samples --out "$tmp/out" --quiet --max-flows 8 --max-conversations 8 -j 2 \
    >/dev/null 2>"$tmp/stderr" || code=$?
sum=$(cd "$tmp/out" && find . -type f | sort | xargs sha256sum | sha256sum | cut -c1-16)
echo "samples(spilled) $sum $code"
