#!/usr/bin/env bash
# Times netanalyzer against tshark, tcpdump, capinfos and cat on the same generated capture,
# side by side (round after round, each tool once a round), with the page cache warm. Prints
# medians of RUNS runs: seconds, packets/s, MB/s, peak RSS, CPU use (100% is one core busy the
# whole run), and each tool's time as a multiple of netanalyzer's. Then a scaling run (0.25x, 1x, 4x the packets) showing time and peak RSS against
# input size.
#
# Also the same capture compressed with `gzip -1`: netanalyzer on it, inflating alone with the same
# library (examples/inflate.rs), and zcat; and with `zstd -T1` (level 3): netanalyzer on it and
# `zstd -dc`, the same library's command line.
#
# Then the generator's mixes (mixed, many-flows, flood) side by side with tshark -z conv,ip:
# flows, packets/s, ratio, peak RSS and ns per flow.
#
# Usage: scripts/bench.sh [PACKETS]        (default 2000000; RUNS=3; SCALING=0, MIXES=0, MAIN=0 skip those)
# Results are also saved under benches/runs/<date>-<host>/.
set -euo pipefail
cd "$(dirname "$0")/.."

packets=${1:-2000000}
runs=${RUNS:-3}
scaling=${SCALING:-1}
work=${BENCH_DIR:-/tmp/netanalyzer-bench}
mkdir -p "$work"
for tool in tshark tcpdump capinfos gzip zcat zstd /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install tshark tcpdump time zstd)"; exit 2; }
done

cargo build --release --quiet --example inflate
bin=./target/release/netanalyzer
inflate=./target/release/examples/inflate
capture="$work/bench-$packets.pcap"
[ -f "$capture" ] || "$bin" generate --bench "$packets" --out "$capture" >/dev/null
bytes=$(stat -L -c %s "$capture")
gz="$capture.gz"
[ -f "$gz" ] || gzip -1 -c "$capture" > "$gz"
zst="$capture.zst"
[ -f "$zst" ] || zstd -q -T1 -c "$capture" > "$zst"
# warm_cache FILE...: drops the files' cached pages, then reads them back, so the cache holds them
# as read from disk (large folios) rather than as the generator's small writes left them.
warm_cache() {
    for f in "$@"; do
        dd if="$f" iflag=nocache count=0 status=none 2>/dev/null || true
        cat "$f" > /dev/null
    done
}
warm_cache "$capture" "$gz" "$zst"
"$bin" analyze "$capture" --out "$work/warmup" --quiet   # and the binary

out_dir="benches/runs/$(date -u +%Y-%m-%d)-$(hostname -s)"
mkdir -p "$out_dir"
result="$out_dir/bench-$packets.txt"

# timed_run FILE CMD...: runs CMD once, appending "seconds peak_rss_kb cpu_percent" to FILE.
timed_run() {
    local file=$1; shift
    local stats="$work/time.out" start end
    # Wall time to the nanosecond: time's own %e has two decimals, a few percent here.
    start=$(date +%s%N)
    /usr/bin/time -o "$stats" -f "%M %P" "$@" > /dev/null 2>&1 || true
    end=$(date +%s%N)
    echo "$(awk -v ns=$((end - start)) 'BEGIN { printf "%.4f", ns / 1e9 }') $(tail -1 "$stats" | tr -d %)" >> "$file"
}

# median_of COLUMN FILE: the median of COLUMN over the lines of FILE.
median_of() {
    awk -v c="$1" '{print $c}' "$2" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

# medians NAME FILE: prints "NAME median_seconds median_rss_kb median_cpu_percent" of FILE's runs.
medians() {
    echo "$1 $(median_of 1 "$2") $(median_of 2 "$2") $(median_of 3 "$2")"
}

# median_run NAME CMD...: runs CMD $runs times; prints "NAME median_seconds median_rss_kb".
median_run() {
    local name=$1; shift
    local file="$work/runs-$name"
    rm -f "$file"
    for _ in $(seq "$runs"); do
        timed_run "$file" "$@"
    done
    medians "$name" "$file"
}

{
    echo "# netanalyzer benchmark, $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "# machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, $(uname -sr)"
    echo "# capture: $capture, $packets packets, $bytes bytes; median of $runs runs; page cache warm"
    echo "# tools: $(tshark --version | head -1 | cut -c1-40); $(tcpdump --version 2>&1 | head -1)"
} | tee "$result"

reports="$work/reports"
tools=(netanalyzer netanalyzer-no-app netanalyzer-1-thread tshark-conv-ip tshark-io-stat tcpdump capinfos capinfos-c cat
    netanalyzer-gz inflate-only-gz zcat-gz netanalyzer-zst zstd-dc-zst)
# set_cmd NAME: the command line of tool NAME, in the array cmd.
set_cmd() {
    case $1 in
        netanalyzer) cmd=("$bin" analyze "$capture" --out "$reports" --quiet) ;;
        # What the application layer costs: the same run without it.
        netanalyzer-no-app) cmd=("$bin" analyze "$capture" --out "$reports" --quiet --no-app) ;;
        netanalyzer-1-thread) cmd=("$bin" analyze "$capture" --out "$reports" --quiet -j 1) ;;
        tshark-conv-ip) cmd=(tshark -n -q -r "$capture" -z conv,ip) ;;
        tshark-io-stat) cmd=(tshark -n -q -r "$capture" -z io,stat,1) ;;
        tcpdump) cmd=(tcpdump -n -r "$capture") ;;
        capinfos) cmd=(capinfos "$capture") ;;
        capinfos-c) cmd=(capinfos -c "$capture") ;;
        cat) cmd=(cat "$capture") ;;
        # The same capture as `gzip -1`: analysis should take little more than inflating alone.
        netanalyzer-gz) cmd=("$bin" analyze "$gz" --out "$reports" --quiet) ;;
        inflate-only-gz) cmd=("$inflate" "$gz") ;;
        zcat-gz) cmd=(zcat "$gz") ;;
        # The same capture as `zstd -T1`: analysis should take no longer than `zstd -dc` alone.
        netanalyzer-zst) cmd=("$bin" analyze "$zst" --out "$reports" --quiet) ;;
        zstd-dc-zst) cmd=(zstd -dc "$zst") ;;
    esac
}
# Round after round, each tool once a round: a slow spell of the machine (it has neighbours)
# lands on every tool alike rather than on one tool's runs.
if [ "${MAIN:-1}" = 1 ]; then
    for t in "${tools[@]}"; do rm -f "$work/runs-$t"; done
    for _ in $(seq "$runs"); do
        for t in "${tools[@]}"; do
            set_cmd "$t"
            timed_run "$work/runs-$t" "${cmd[@]}"
        done
    done
    rows=()
    for t in "${tools[@]}"; do
        rows+=("$(medians "$t" "$work/runs-$t")")
    done

    base=$(echo "${rows[0]}" | awk '{print $2}')
    {
        printf '%-22s %10s %14s %10s %12s %6s %12s\n' tool seconds packets/s MB/s "peak RSS MB" CPU "x netanalyzer"
        for r in "${rows[@]}"; do
            set -- $r
            awk -v n="$1" -v t="$2" -v m="$3" -v c="$4" -v p="$packets" -v b="$bytes" -v base="$base" 'BEGIN {
                t = (t < 0.001) ? 0.001 : t;
                printf "%-22s %10.3f %14.0f %10.0f %12.1f %5d%% %12.2f\n", n, t, p / t, b / t / 1e6, m / 1024, c, t / base
            }'
        done
    } | tee -a "$result"
fi

if [ "$scaling" = 1 ]; then
    echo "# scaling: time should grow linearly, peak RSS stay flat" | tee -a "$result"
    printf '%-12s %12s %10s %14s %12s\n' packets bytes seconds packets/s "peak RSS MB" | tee -a "$result"
    for factor in 0.25 1 4; do
        n=$(awk -v p="$packets" -v f="$factor" 'BEGIN {printf "%d", p * f}')
        file="$work/bench-$n.pcap"
        [ -f "$file" ] || "$bin" generate --bench "$n" --out "$file" >/dev/null
        warm_cache "$file"
        set -- $(median_run "x$factor" "$bin" analyze "$file" --out "$reports" --quiet)
        awk -v n="$n" -v b="$(stat -c %s "$file")" -v t="$2" -v m="$3" 'BEGIN {
            printf "%-12d %12.0f %10.3f %14.0f %12.1f\n", n, b, t, n / t, m / 1024 }' | tee -a "$result"
    done
fi
if [ "${MIXES:-1}" = 1 ]; then
    # The generator's mixes side by side: where flows are many, the per-flow work (finishing,
    # sorting, Community ID, formatting) is what costs; ns/flow is the report's building and
    # writing (from --timings) over the flows.
    echo "# mixes: $packets packets each; median of $runs runs, netanalyzer and tshark -z conv,ip in turn" | tee -a "$result"
    printf '%-12s %10s %10s %14s %10s %10s %12s %10s\n' mix flows seconds packets/s tshark-s "x tshark" "peak RSS MB" ns/flow | tee -a "$result"
    for mix in mixed many-flows flood; do
        file="$work/bench-$mix-$packets.pcap"
        [ -f "$file" ] || "$bin" generate --bench "$packets" --mix "$mix" --out "$file" >/dev/null
        warm_cache "$file"
        rm -f "$work/runs-mix-na" "$work/runs-mix-ts"
        for _ in $(seq "$runs"); do
            timed_run "$work/runs-mix-na" "$bin" analyze "$file" --out "$reports" --quiet
            timed_run "$work/runs-mix-ts" tshark -n -q -r "$file" -z conv,ip
        done
        set -- $(medians na "$work/runs-mix-na")
        na_s=$2 na_rss=$3
        set -- $(medians ts "$work/runs-mix-ts")
        ts_s=$2
        flows=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["flows"]["total"])' "$reports/summary.json")
        per_flow=$("$bin" analyze "$file" --out "$reports" --quiet --timings 2>&1 |
            awk -F'[ ,]+' '/^timings:/ { for (i = 1; i <= NF; i++) { if ($i == "build") b = $(i + 2); if ($i == "write") w = $(i + 1) } print b + w }')
        awk -v m="$mix" -v f="$flows" -v t="$na_s" -v ts="$ts_s" -v r="$na_rss" -v p="$packets" -v pf="$per_flow" 'BEGIN {
            printf "%-12s %10d %10.3f %14.0f %10.3f %10.1f %12.1f %10.0f\n", m, f, t, p / t, ts, ts / t, r / 1024, pf * 1e9 / f }' | tee -a "$result"
    done
fi
echo "saved $result"
