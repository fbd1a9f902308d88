#!/usr/bin/env bash
# CI's look at a report: reproduces Figure 3 at the smoke budget, opens its report.html in
# headless Chromium and fails when the screenshot is blank or shows no plot.
#     scripts/check-report.sh RECTIFIER_BINARY [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$1
out=${2:-$(mktemp -d "${TMPDIR:-/tmp}/check-report.XXXXXX")}
"$binary" reproduce figure3 --budget smoke --out "$out/figure3" --backend builtin >/dev/null
scripts/screenshot-report.sh "$out/figure3/report.html" "$out/figure3.png" 1100x2400
python3 scripts/check-screenshot.py "$out/figure3.png" --min-ink 2 --min-colour-pixels 1500
