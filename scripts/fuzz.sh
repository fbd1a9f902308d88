#!/usr/bin/env bash
# Fuzzes every file reader with libFuzzer for SECONDS each (default 600), starting from seed
# corpora of valid files. Crashes land in fuzz/out/<reader>/ (turn each into a regression test).
#   scripts/fuzz.sh [SECONDS] [READER...]
#   scripts/fuzz.sh --build-only              builds every harness, runs none (CI)
# readers: idx safetensors checkpoint acl reviews csv svmlight vocabulary cifar binarymatrix tar emnistmapping
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"
build_only=0
if [ "${1:-}" = "--build-only" ]; then build_only=1; shift; fi
seconds=${1:-600}
shift || true
readers=${*:-idx safetensors checkpoint acl reviews csv svmlight vocabulary cifar binarymatrix tar emnistmapping}
out=../fuzz/out
# Swift's crash backtracer can hang under AddressSanitizer; libFuzzer reports crashes itself.
export SWIFT_BACKTRACE=enable=no
corpus=../fuzz/corpus

# Start clean: a build folder of this sub-package does not notice files added to the library.
rm -rf .build-fuzz
swift build -c release --product FuzzSeeds --scratch-path .build-fuzz >/dev/null
if [ "$build_only" = 0 ]; then
    mkdir -p "$corpus"
    .build-fuzz/release/FuzzSeeds "$corpus"
fi

for reader in $readers; do
    case $reader in
        idx) product=FuzzIDX ;;
        safetensors) product=FuzzSafeTensors ;;
        checkpoint) product=FuzzCheckpoint ;;
        acl) product=FuzzProcessedACL ;;
        reviews) product=FuzzReviews ;;
        csv) product=FuzzCSV ;;
        svmlight) product=FuzzSVMLight ;;
        vocabulary) product=FuzzVocabulary ;;
        cifar) product=FuzzCIFAR ;;
        binarymatrix) product=FuzzBinaryMatrix ;;
        tar) product=FuzzTar ;;
        emnistmapping) product=FuzzEMNISTMapping ;;
        *) echo "unknown reader $reader" >&2; exit 2 ;;
    esac
    if ! swift build -c debug --product "$product" --scratch-path .build-fuzz \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library > .build-fuzz/build.log 2>&1; then
        grep -E "error" .build-fuzz/build.log >&2 || cat .build-fuzz/build.log >&2
        exit 1
    fi
    [ "$build_only" = 1 ] && { echo "built $product"; continue; }
    mkdir -p "$out/$reader" "$corpus/$reader.work"
    cp -n "$corpus/$reader"/* "$corpus/$reader.work/" 2>/dev/null || true
    echo "== $reader: $seconds s"
    .build-fuzz/debug/"$product" "$corpus/$reader.work" -max_total_time="$seconds" -max_len=65536 \
        -rss_limit_mb=2048 -artifact_prefix="$out/$reader/" -print_final_stats=1 2>&1 |
        grep -E "^(stat::|#[0-9]+ +DONE|==[0-9]+==|SUMMARY|artifact)" || true
    echo "corpus size: $(ls "$corpus/$reader.work" | wc -l) files"
done
