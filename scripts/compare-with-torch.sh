#!/usr/bin/env bash
# Runs the PyTorch peer scripts of ../shared/bench and `rectifier bench` back to back on this
# machine and prints the ratios (the issue's "side by side, same run").
#   scripts/compare-with-torch.sh MNIST_DIR PEER_BENCH_DIR [L1] [SECONDS] [MODEL]
# With MODEL (a model.safetensors trained with the paper's recipe), also times minibatch-100
# training started from it and batch-1000 inference on it, against the same PyTorch figures.
# Needs a Python with torch, numpy and threadpoolctl as $PYTHON (default python3):
#   python3 -m venv /tmp/peer && /tmp/peer/bin/pip install torch numpy threadpoolctl
#   PYTHON=/tmp/peer/bin/python scripts/compare-with-torch.sh ../shared/data/mnist ../shared/bench
# THREADS=n runs `rectifier bench --threads n` (the peer always uses 2 threads).
set -euo pipefail
mnist=$(cd "${1:?MNIST directory}" && pwd)
peer=$(cd "${2:?directory with torch_mlp.py and gemm_bench.py}" && pwd)
l1=${3:-0}
seconds=${4:-20}
model=${5:-}
python=${PYTHON:-python3}
out=${OUT:-runs/compare-$(date +%Y%m%d-%H%M%S)}
cd "$(dirname "$0")/.."
mkdir -p "$out"
swift build -c release --product rectifier >/dev/null

echo "== PyTorch: training at batch 1, 10, 100 for $seconds s each (L1 $l1), then inference"
for batch in 1 10 100; do
    "$python" "$peer/torch_mlp.py" "$mnist" --epochs 1 --batch "$batch" --lr 0.01 --l1 "$l1" --no-epoch-eval \
        --max-train-seconds "$seconds" >> "$out/torch.jsonl"
done
echo "== rectifier bench: the same training and inference"
.build/release/rectifier bench --data-dir "$mnist" --seconds "$seconds" --l1 "$l1" ${THREADS:+--threads "$THREADS"} \
    --skip-gemm --skip-sparse-products --json "$out/rectifier.json" --compare "$out/torch.jsonl" | tee "$out/table.txt"
if [ -n "$model" ]; then
    echo "== rectifier bench: minibatch 100 from $model, and inference on it"
    .build/release/rectifier bench --data-dir "$mnist" --seconds "$seconds" --l1 "$l1" ${THREADS:+--threads "$THREADS"} \
        --batch-sizes 100 --train-from "$model" --model "$model" --skip-gemm --skip-sparse-products \
        --json "$out/rectifier-model.json" --compare "$out/torch.jsonl" | tee -a "$out/table.txt"
fi
# GEMM last, for both sides: minutes of AVX-512 GEMM at full load can leave this shared VM
# slower for a while, and neither side's training should run after it.
echo "== GEMM: numpy (OpenBLAS) and torch, then ours"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$python" "$peer/gemm_bench.py" numpy >> "$out/gemm.jsonl"
"$python" "$peer/gemm_bench.py" torch >> "$out/gemm.jsonl"
.build/release/rectifier bench --skip-training ${THREADS:+--threads "$THREADS"} --json "$out/rectifier-gemm.json" \
    --compare "$out/gemm.jsonl" | tee -a "$out/table.txt"
echo "raw figures in $out"
