#!/usr/bin/env bash
# Whole training runs, ours against PyTorch's, side by side: the paper's network
# (784-1000-1000-1000-10 rectifier, plain SGD, Glorot-uniform weights, zero biases) trained on
# all 60,000 MNIST training images for EPOCHS epochs at each minibatch size, on both sides with
# the same learning rate and L1 penalty, the runs interleaved (PyTorch, ours, PyTorch, ours, ...)
# REPEATS times. Prints, per minibatch size: samples/s over the run (median of the repeats),
# the ratio, the final test error of each side, and our wall time and exact zeros per epoch.
#
#   scripts/compare-whole-run.sh MNIST_DIR PEER_BENCH_DIR [EPOCHS] [L1]
#   BATCHES="100 10" REPEATS=2 PYTHON=/tmp/peer/bin/python scripts/compare-whole-run.sh data/mnist bench 10 0.001
#
# PEER_BENCH_DIR holds torch_mlp.py; $PYTHON needs torch and numpy
# (python3 -m venv /tmp/peer && /tmp/peer/bin/pip install torch numpy). The learning rate is
# 0.1 at minibatch 100 and 0.01 below (LR overrides). Needs jq.
set -euo pipefail
mnist=$(cd "${1:?MNIST directory}" && pwd)
peer=$(cd "${2:?directory with torch_mlp.py}" && pwd)
epochs=${3:-10}
l1=${4:-0.001}
python=${PYTHON:-python3}
batches=${BATCHES:-100 10}
repeats=${REPEATS:-1}
out=${OUT:-runs/whole-run-$(date +%Y%m%d-%H%M%S)}
cd "$(dirname "$0")/.."
mkdir -p "$out"
swift build -c release --product rectifier >/dev/null
rectifier=.build/release/rectifier

for batch in $batches; do
    lr=${LR:-$([ "$batch" -ge 100 ] && echo 0.1 || echo 0.01)}
    for repeat in $(seq 1 "$repeats"); do
        echo "== minibatch $batch, lr $lr, L1 $l1, $epochs epochs: PyTorch (run $repeat)"
        "$python" "$peer/torch_mlp.py" "$mnist" --epochs "$epochs" --batch "$batch" --lr "$lr" --l1 "$l1" --no-epoch-eval \
            --infer-reps 1 --infer1-n 1000 >> "$out/torch-$batch.jsonl"
        echo "== minibatch $batch: ours (run $repeat)"
        # All 60,000 training images, no validation set: the last epoch is kept, as PyTorch's.
        "$rectifier" train --data-dir "$mnist" --validation 0 --batch-size "$batch" --learning-rate "$lr" --l1 "$l1" \
            --epochs "$epochs" --patience 0 --log-every 50 --out "$out/ours-$batch-$repeat" > "$out/ours-$batch-$repeat.log" 2>&1
    done
done

median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }
echo
printf '%-9s %12s %12s %7s %14s %14s\n' minibatch "PyTorch /s" "ours /s" ratio "PyTorch error" "our error"
for batch in $batches; do
    theirs=$(jq -r '.train_samples_per_s' "$out/torch-$batch.jsonl" | median)
    ours=$(for d in "$out"/ours-"$batch"-*/; do
        jq -s '(map(.train_seconds) | add) as $t | (60000 * length) / $t' "$d/metrics.jsonl"; done | median)
    their_error=$(jq -r '.test_err_pct' "$out/torch-$batch.jsonl" | median)
    our_error=$(for d in "$out"/ours-"$batch"-*/; do jq '.test_error * 100' "$d/result.json"; done | median)
    printf '%-9s %12.0f %12.0f %6.2fx %13.2f%% %13.2f%%\n' "$batch" "$theirs" "$ours" "$(echo "$ours / $theirs" | bc -l)" \
        "$their_error" "$our_error"
    first=$(ls -d "$out"/ours-"$batch"-*/ | head -1)
    echo "  ours, run 1, per epoch: seconds $(jq -r '.train_seconds | . * 10 | round / 10' "$first/metrics.jsonl" | paste -sd' ')"
    echo "  ours, run 1, exact zeros of the hidden layers per epoch (training batches): $(jq -s -r 'group_by(.epoch) | map(map(.sparsity_per_layer | add / length) | add / length * 1000 | round / 10 | tostring + "%") | join(" ")' "$first/steps.jsonl")"
    echo "  ours, run 1, on the test set at the end: $(jq -r '.sparsity_per_layer | map(. * 1000 | round / 10 | tostring + "%") | join(" ")' "$first/result.json")"
    echo "  PyTorch, run 1, on the test set at the end: $(jq -r '.zero_frac_hidden | map(. * 1000 | round / 10 | tostring + "%") | join(" ")' "$out/torch-$batch.jsonl" | head -1)"
    echo "  PyTorch, run 1, per epoch: seconds $(jq -r '.epoch_seconds | map(tostring) | join(" ")' "$out/torch-$batch.jsonl" | head -1)"
done
echo "raw figures in $out"
