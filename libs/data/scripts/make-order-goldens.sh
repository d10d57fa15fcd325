#!/usr/bin/env bash
# Regenerates test/golden/order: a tiny Megatron dataset written by numpy per the format spec, and
# the index maps + sample tokens numpy's RandomState produces for it (neox_order.py). The TS tests
# compare against these files, so CI checks against numpy's output even where numpy is absent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py="${PYTHON:-$here/../../../.venv/bin/python}"
out="$here/../test/golden/order"
rm -rf "$out" && mkdir -p "$out"
"$py" - "$out/tiny" <<'PY'
import sys
import numpy as np
prefix = sys.argv[1]
rng = np.random.RandomState(0)
sizes = np.concatenate([[1, 2, 40], rng.randint(1, 30, size=20)]).astype(np.int32)
tokens = [((d * 100 + np.arange(s)) % 60000 + 2).astype(np.uint16) for d, s in enumerate(sizes)]
for t in tokens:
    t[-1] = 0  # EOD
np.concatenate(tokens).tofile(prefix + ".bin")
pointers = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64) * 2
doc_idx = np.arange(len(sizes) + 1, dtype=np.int64)
with open(prefix + ".idx", "wb") as f:
    f.write(b"MMIDIDX\x00\x00")
    f.write(np.array([1], np.uint64).tobytes())
    f.write(bytes([8]))
    f.write(np.array([len(sizes), len(doc_idx)], np.uint64).tobytes())
    f.write(sizes.tobytes()); f.write(pointers.tobytes()); f.write(doc_idx.tobytes())
PY
run() { "$py" "$here/neox_order.py" "$out/tiny" "$out/$1" --mode "$2" --seq "$3" --seed "$4" --num-samples "$5" --samples "$6"; }
run neox-s16-1234-n40 neox 16 1234 40 40
run neox-s7-7-n100 neox 7 7 100 100
run cohort-s16-1234-n40 cohort 16 1234 40 40
run cohort-s16-1234-n80 cohort 16 1234 80 80
run neox-s64-3-n30 neox 64 3 30 30
