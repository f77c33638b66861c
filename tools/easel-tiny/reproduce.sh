#!/usr/bin/env bash
# Trains easel-tiny from nothing and exports it: the whole compute budget (114 min of training,
# wall clock) in one command. Usage: tools/easel-tiny/reproduce.sh CKPT_DIR OUT_MODEL_DIR
# Runs under nice (NICE, default 19) so a shared machine stays usable; budgets are wall clock (see README).
set -euo pipefail
CK=${1:?checkpoint dir}; OUT=${2:?model output dir}
cd "$(dirname "$0")"
PY=/usr/bin/python3
mkdir -p "$CK"
NICE=${NICE:-19}
stage() { echo "== $(date -u +%T) $*"; nice -n "$NICE" "$PY" "$@"; }
start=$(date +%s)
stage train_vae.py --out "$CK" --minutes 10 --batch 32
stage train_vae.py --out "$CK" --minutes 6 --batch 32 --init --lr 1e-3
# From here the encoder (latent space, scaling factor) is fixed; the decoder keeps training.
stage train_vae.py --out "$CK" --minutes 10 --batch 32 --init --decoder-only --lr 1e-3
stage train.py --ckpt "$CK" --minutes 88 --batch 48
stage export.py --ckpt "$CK" --out "$OUT"
echo "== done in $(( ($(date +%s) - start) / 60 )) min"
