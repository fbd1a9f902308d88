#!/usr/bin/env bash
# CI's look at the reports: reproduces Figure 3 at the smoke budget and trains one small run,
# opens each report.html in headless Chromium and fails when a screenshot is blank or shows
# no plot.
#     scripts/check-report.sh RECTIFIER_BINARY [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
binary=$1
out=${2:-$(mktemp -d "${TMPDIR:-/tmp}/check-report.XXXXXX")}
"$binary" reproduce figure3 --budget smoke --out "$out/figure3" --backend builtin >/dev/null
scripts/screenshot-report.sh "$out/figure3/report.html" "$out/figure3.png" 1100x2400
python3 scripts/check-screenshot.py "$out/figure3.png" --min-ink 2 --min-colour-pixels 1500
# A run report: its loss, error and sparsity-per-layer plots, so more coloured pixels.
"$binary" train --layers 16,8 --epochs 3 --out "$out/run" --backend builtin >/dev/null
"$binary" report "$out/run" >/dev/null
scripts/screenshot-report.sh "$out/run/report.html" "$out/run.png" 1100x2400
python3 scripts/check-screenshot.py "$out/run.png" --min-ink 2 --min-colour-pixels 3000
