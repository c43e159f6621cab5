#!/usr/bin/env bash
# Builds the fuzz targets' seed corpora from the real captures of ../shared/corpus and
# ../shared/corpus-l7 (or the folders given), into fuzz/corpus/<target>/ (gitignored):
#   read    the first SEED_BYTES of every capture (gzip ones decompressed), as a file
#   parts   the same, after the selector byte 7 ("no header: the rest is the whole file")
#   decode  the first frames of every capture whose link type the target knows, each after
#           its selector byte (the link type's place in the target's LINK_TYPES)
# Seeds already there are kept; identical seeds are stored once (named by their SHA-1).
# Usage: scripts/fuzz-seeds.sh [FOLDER...]     SEED_BYTES=16384 FRAMES_PER_FILE=8 by default
set -euo pipefail
cd "$(dirname "$0")/.."

folders=("$@")
[ ${#folders[@]} -gt 0 ] || folders=(../shared/corpus/files ../shared/corpus-l7/files)
out=fuzz/corpus
mkdir -p "$out/read" "$out/parts" "$out/decode"

find "${folders[@]}" -type f \( -name '*.pcap' -o -name '*.pcapng' -o -name '*.cap' \
    -o -name '*.gz' -o -name '*.pcap*' \) -print0 |
    SEED_BYTES="${SEED_BYTES:-16384}" FRAMES_PER_FILE="${FRAMES_PER_FILE:-8}" OUT="$out" \
        python3 -c '
import gzip, hashlib, os, struct, sys

seed_bytes = int(os.environ["SEED_BYTES"])
frames_per_file = int(os.environ["FRAMES_PER_FILE"])
out = os.environ["OUT"]
# fuzz/fuzz_targets/decode.rs: LINK_TYPES, in its order.
link_types = [0, 1, 9, 12, 14, 50, 51, 101, 108, 113, 228, 229, 276]

def save(target, data):
    name = hashlib.sha1(data).hexdigest()
    path = os.path.join(out, target, name)
    if not os.path.exists(path):
        with open(path, "wb") as f:
            f.write(data)
        return 1
    return 0

def pcap_frames(head):
    magic = head[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1", b"\x34\xcd\xb2\xa1"):
        e = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d", b"\xa1\xb2\xcd\x34"):
        e = ">"
    else:
        return
    linktype = struct.unpack(e + "I", head[20:24])[0] & 0xFFFF
    record_header = 24 if magic in (b"\x34\xcd\xb2\xa1", b"\xa1\xb2\xcd\x34") else 16
    pos = 24
    while pos + record_header <= len(head):
        caplen = struct.unpack(e + "I", head[pos + 8:pos + 12])[0]
        data = head[pos + record_header:pos + record_header + caplen]
        if len(data) < caplen:
            return
        yield linktype, data
        pos += record_header + caplen

def pcapng_frames(head):
    pos, e, interfaces = 0, "<", []
    while pos + 12 <= len(head):
        if head[pos:pos + 4] == b"\x0a\x0d\x0d\x0a":
            e = "<" if head[pos + 8:pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
            interfaces = []
        block_type, length = struct.unpack(e + "II", head[pos:pos + 8])
        if length < 12 or pos + length > len(head):
            return
        body = head[pos + 8:pos + length - 4]
        if block_type == 1 and len(body) >= 2:
            interfaces.append(struct.unpack(e + "H", body[:2])[0])
        elif block_type == 6 and len(body) >= 20:
            interface, _, _, caplen = struct.unpack(e + "IIII", body[:16])
            if interface < len(interfaces):
                yield interfaces[interface], body[20:20 + caplen]
        elif block_type == 3 and len(body) >= 4 and interfaces:
            yield interfaces[0], body[4:]
        pos += length

files = seeds = 0
for path in sys.stdin.buffer.read().split(b"\0"):
    if not path:
        continue
    try:
        with open(path, "rb") as f:
            magic = f.read(2)
        opener = gzip.open if magic == b"\x1f\x8b" else open
        with opener(path, "rb") as f:
            head = f.read(seed_bytes)
    except (OSError, EOFError, gzip.BadGzipFile):
        continue
    if len(head) < 4:
        continue
    files += 1
    seeds += save("read", head)
    seeds += save("parts", b"\x07" + head)
    frames = pcapng_frames(head) if head[:4] == b"\x0a\x0d\x0d\x0a" else pcap_frames(head)
    try:
        for n, (linktype, data) in enumerate(frames):
            if n == frames_per_file:
                break
            if linktype in link_types:
                seeds += save("decode", bytes([link_types.index(linktype)]) + data)
    except struct.error:
        pass
print(f"{files} captures read, {seeds} new seeds", file=sys.stderr)
'
for t in read parts decode; do
    echo "fuzz/corpus/$t: $(find "$out/$t" -type f | wc -l) seeds, $(du -sh "$out/$t" | cut -f1)"
done
