#!/usr/bin/env bash
# Runs every check and test of netanalyzer on a Debian machine with Rust (rustup) installed.
# Installs what the tests need when missing: from Debian's packages tshark, capinfos, chromium,
# libpcap-dev, iproute2, zstd, xz-utils, influxdb, victoria-metrics and python3-venv; Python's
# duckdb into a virtual environment of its own (target/py, so Debian's externally managed python3 is left
# alone). The servers are started by the tests themselves on 127.0.0.1 with free ports and
# temporary directories, and stopped after. Capture tests need root for network namespaces.
# A test that cannot run here says SKIPPED and is counted in the closing line; under CI (CI set)
# a skip is a failure, except for the corpus tests where ../shared is absent.
# Usage: scripts/test.sh        (CI runs it through .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
apt_install() {
    echo "== installing $* (Debian packages)"
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

need=()
command -v tshark >/dev/null 2>&1 || need+=(tshark)
command -v capinfos >/dev/null 2>&1 || need+=(wireshark-common)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v zstd >/dev/null 2>&1 || need+=(zstd)
command -v xz >/dev/null 2>&1 || need+=(xz-utils)
[ -e /usr/include/pcap.h ] || [ -e /usr/include/pcap/pcap.h ] || need+=(libpcap-dev)
command -v influxd >/dev/null 2>&1 || need+=(influxdb)
command -v victoria-metrics >/dev/null 2>&1 || need+=(victoria-metrics)
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv)
[ ${#need[@]} -eq 0 ] || apt_install "${need[@]}"

# Python's packages for the tests live in a virtual environment the script makes: pip refuses
# to install into Debian's own python3 (PEP 668).
venv=target/py
if [ ! -x "$venv/bin/python3" ]; then
    echo "== making a Python virtual environment in $venv"
    mkdir -p target
    python3 -m venv "$venv"
fi
if ! "$venv/bin/python3" -c "import duckdb" >/dev/null 2>&1; then
    echo "== installing Python's duckdb into $venv (reads the Parquet tables back in the tests)"
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check duckdb
fi
export PATH="$PWD/$venv/bin:$PATH"

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --all-targets --all-features --quiet -- -D warnings
echo "== samples are what the generator makes"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cargo run --quiet --release -- generate --out "$tmp/samples" >/dev/null
diff -r samples "$tmp/samples" >/dev/null || {
    echo "samples/ differs from the generator's output: run 'cargo run --release -- generate --out samples'"
    exit 1
}
[ -d ../shared/corpus ] || echo "note: ../shared/corpus is absent: the corpus comparison skips (it runs where the corpus is)"
[ "$(id -u)" -eq 0 ] || echo "note: not root: the live-capture tests skip (they need network namespaces)"
echo "== cargo test"
export NETANALYZER_SKIP_LOG="$tmp/skipped.log"
: >"$NETANALYZER_SKIP_LOG"
status=0
cargo test --all-features --no-fail-fast 2>&1 | tee "$tmp/test.log" || status=$?
# The fuzz targets keep building, and run once over the samples' first records (without
# cargo-fuzz's instrumentation a libFuzzer binary given files runs each once; fuzz/README.md
# tells how to fuzz).
echo "== fuzz targets (fuzz/) over the samples"
fuzz_seeds="$tmp/fuzz-seeds"
mkdir -p "$fuzz_seeds"
for f in samples/*.pcap samples/*.pcapng samples/formats/*.pcap; do
    head -c 16384 "$f" >"$fuzz_seeds/$(basename "$f")"
    # The parts target reads its first byte as a selector: 7 means the rest is the whole file.
    { printf '\007'; head -c 16384 "$f"; } >"$fuzz_seeds/parts-$(basename "$f")"
done
if ! cargo build --quiet -p netanalyzer-fuzz 2>&1 | tee "$tmp/fuzz.log"; then
    status=1
else
    for target in read decode parts; do
        if ! "target/debug/$target" "$fuzz_seeds"/* >>"$tmp/fuzz.log" 2>&1; then
            echo "fuzz target $target failed on a sample:"
            tail -40 "$tmp/fuzz.log"
            status=1
        fi
    done
fi
skipped=$(sort -u "$NETANALYZER_SKIP_LOG" | wc -l)
if [ "$skipped" -gt 0 ]; then
    echo "== skipped tests (they passed without running what they check):"
    sort -u "$NETANALYZER_SKIP_LOG" | sed 's/^/  /'
fi
# One closing line for the whole run; libtest counts a skipped test as passed.
awk -v skipped="$skipped" '/^test result:/ { p += $4; f += $6; i += $8 }
    END { printf "%d passed, %d failed, %d skipped\n", p - skipped, f, skipped + i }' "$tmp/test.log"
exit "$status"
