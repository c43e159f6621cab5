#!/usr/bin/env bash
# Runs every check and test of netanalyzer on a Debian machine with Rust (rustup) installed.
# Installs what the tests need from Debian's packages (tshark, capinfos, chromium, libpcap-dev,
# iproute2, influxdb, victoria-metrics) when missing; the servers are started by the tests
# themselves on 127.0.0.1 with free ports and temporary directories, and stopped after. Capture tests need root for network namespaces; they skip without it.
# Usage: scripts/test.sh        (CI runs it through .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v tshark >/dev/null 2>&1 || need+=(tshark)
command -v capinfos >/dev/null 2>&1 || need+=(wireshark-common)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
[ -e /usr/include/pcap.h ] || [ -e /usr/include/pcap/pcap.h ] || need+=(libpcap-dev)
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
command -v victoria-metrics >/dev/null 2>&1 || need+=(victoria-metrics)
if [ ${#need[@]} -gt 0 ]; then
    echo "== installing ${need[*]} (Debian packages)"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! python3 -c "import duckdb" >/dev/null 2>&1; then
    echo "== installing Python's duckdb (reads the Parquet tables back in the tests)"
    python3 -m pip install --quiet --disable-pip-version-check duckdb
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets --all-features --quiet -- -D warnings
echo "== samples are what the generator makes"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run --quiet --release -- generate --out "$tmp/samples" >/dev/null
for f in samples/*; do
    cmp -s "$f" "$tmp/samples/$(basename "$f")" || {
        echo "samples/$(basename "$f") differs from the generator's output: run 'cargo run --release -- generate --out samples'"
        exit 1
    }
done
[ -d ../shared/corpus ] || echo "note: ../shared/corpus is absent: the corpus comparison skips (it runs where the corpus is)"
[ "$(id -u)" -eq 0 ] || echo "note: not root: the live-capture tests skip (they need network namespaces)"
echo "== cargo test"
cargo test --all-features 2>&1 | tee "$tmp/test.log"
# One closing line for the whole run.
awk '/^test result:/ { p += $4; f += $6; s += $8 } END { printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$tmp/test.log"
