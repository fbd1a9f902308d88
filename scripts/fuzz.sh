#!/usr/bin/env bash
# Fuzzes every file reader with libFuzzer and AddressSanitizer for SECONDS each (default 600),
# starting from seed corpora of valid files, under a 2 GB memory limit (an unbounded allocation
# is a finding). Findings land in fuzz/out/<reader>/ (turn each into a regression test).
#   scripts/fuzz.sh [SECONDS] [READER...]
#   scripts/fuzz.sh --build-only              builds the harnesses, runs none (CI)
#   scripts/fuzz.sh --list                    the readers
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"
build_only=0
case "${1:-}" in
    --build-only) build_only=1; shift ;;
    --list) list=1 ;;
esac
seconds=${1:-600}
shift || true
out=../fuzz/out
corpus=../fuzz/corpus
# Swift's crash backtracer can hang under AddressSanitizer; libFuzzer reports crashes itself.
export SWIFT_BACKTRACE=enable=no

# Start clean: a build folder of this sub-package does not notice files added to the library.
rm -rf .build-fuzz
swift build -c release --product FuzzSeeds --scratch-path .build-fuzz >/dev/null
if ! swift build -c debug --product RectifierFuzz --scratch-path .build-fuzz \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library > .build-fuzz/build.log 2>&1; then
    grep -E "error" .build-fuzz/build.log >&2 || cat .build-fuzz/build.log >&2
    exit 1
fi
fuzz=.build-fuzz/debug/RectifierFuzz
# Every reader the driver knows (its usage line lists them).
all=$( ("$fuzz" 2>&1 || true) | sed -n "s/.*readers: //p")
if [ "${list:-0}" = 1 ]; then echo "$all"; exit 0; fi
if [ "$build_only" = 1 ]; then echo "built RectifierFuzz: $all"; exit 0; fi
readers=${*:-$all}

mkdir -p "$corpus"
.build-fuzz/release/FuzzSeeds "$corpus"
for reader in $readers; do
    mkdir -p "$out/$reader" "$corpus/$reader.work"
    cp -n "$corpus/$reader"/* "$corpus/$reader.work/" 2>/dev/null || true
    echo "== $reader: $seconds s"
    # TOMLKit (the sweep files' TOML parser) leaks the key list of every table it is asked for
    # (CTOML's tableGetKeys mallocs it, TOMLTable.keys never frees it): a few hundred bytes per
    # sweep file read, once per command. Leak detection would stop the sweep harness at its
    # first input; every other check (memory limit, AddressSanitizer) stays on.
    leaks=1
    [ "$reader" = sweep ] && leaks=0
    ASAN_OPTIONS=detect_leaks=$leaks "$fuzz" "$reader" "$corpus/$reader.work" -max_total_time="$seconds" -max_len=65536 -detect_leaks=$leaks \
        -rss_limit_mb=2048 -malloc_limit_mb=2048 -artifact_prefix="$out/$reader/" -print_final_stats=1 2>&1 |
        grep -E "^(stat::|#[0-9]+ +DONE|==[0-9]+==|SUMMARY|artifact)" || true
    echo "corpus size: $(ls "$corpus/$reader.work" | wc -l) files; findings: $(ls "$out/$reader" | wc -l)"
done
