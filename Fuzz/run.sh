#!/usr/bin/env bash
# Fuzz/run.sh TARGET SECONDS: fuzzes one harness (idx, gzip or model) with libFuzzer for the
# given time, starting from the hostile-input corpus, and keeps every crashing input under
# Tests/Corpus/fuzz-findings/ as a new case to look at. Prints libFuzzer's final statistics.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: Fuzz/run.sh idx|gzip|model SECONDS}"
seconds="${2:-600}"
scripts/install-dependencies
swift build -c release --scratch-path .build-fuzz --product BackpropFuzz \
  -Xswiftc -sanitize=fuzzer -Xswiftc -DFUZZING -Xswiftc -parse-as-library >&2
binary=".build-fuzz/release/BackpropFuzz"
work=".build-fuzz/corpus-$target"
mkdir -p "$work" Tests/Corpus/fuzz-findings
cp Tests/Corpus/files/* "$work"/ 2>/dev/null || true
BACKPROP_FUZZ_TARGET="$target" "$binary" "$work" -max_total_time="$seconds" -rss_limit_mb=2048 \
  -max_len=200000 -artifact_prefix="Tests/Corpus/fuzz-findings/$target-" -print_final_stats=1 2>&1 \
  | grep -E "^(#[0-9]+ +DONE|stat::|==[0-9]+==|SUMMARY|Done)" || true
echo "findings: $(ls Tests/Corpus/fuzz-findings | grep -c "^$target-" || true)"
