#!/usr/bin/env python3
"""Independent reference for Cohort's data orders, written against numpy itself.

Reads a Megatron .idx with numpy (per the format spec), builds the index maps the way GPT-NeoX v1.0
does (megatron/data/gpt2_dataset.py `_build_index_mappings`, helpers.cpp `build_sample_idx`) with
numpy's RandomState, and writes doc_idx.npy / sample_idx.npy / shuffle_idx.npy plus samples.npy
(the tokens of the first --samples order positions, GPT2Dataset.__getitem__).

usage: neox_order.py PREFIX OUT_DIR --mode neox|cohort --seq S --seed N --num-samples N [--samples K]
"""
import argparse
import math
import os

import numpy as np

DTYPES = {1: np.uint8, 2: np.int8, 3: np.int16, 4: np.int32, 5: np.int64, 6: np.float32, 7: np.float64, 8: np.uint16}


def read_idx(prefix):
    buf = open(prefix + ".idx", "rb").read()
    assert buf[:9] == b"MMIDIDX\x00\x00", "bad magic"
    assert np.frombuffer(buf, np.uint64, 1, 9)[0] == 1
    dtype = DTYPES[buf[17]]
    n = int(np.frombuffer(buf, np.uint64, 1, 18)[0])
    off = 34
    sizes = np.frombuffer(buf, np.int32, n, off)
    pointers = np.frombuffer(buf, np.int64, n, off + 4 * n)
    return dtype, sizes, pointers


def num_epochs(tokens_per_epoch, seq_length, num_samples):
    epochs, total = 0, 0
    while True:
        epochs += 1
        total += tokens_per_epoch
        if ((total - 1) // seq_length) >= num_samples:
            return epochs


def build_sample_idx(sizes, doc_idx, seq_length, epochs, tokens_per_epoch):
    # Line-by-line port of helpers.cpp build_sample_idx.
    num_samples = (epochs * tokens_per_epoch - 1) // seq_length
    sample_idx = np.zeros((num_samples + 1, 2), dtype=np.int32)
    doc_idx_index, doc_offset = 0, 0
    for s in range(1, num_samples + 1):
        remaining = seq_length + 1
        while remaining != 0:
            doc_length = int(sizes[doc_idx[doc_idx_index]]) - doc_offset
            remaining -= doc_length
            if remaining <= 0:
                doc_offset += remaining + doc_length - 1
                remaining = 0
            else:
                doc_idx_index += 1
                doc_offset = 0
        sample_idx[s] = (doc_idx_index, doc_offset)
    return sample_idx


def neox_maps(sizes, seq, seed, num_samples):
    n = int(math.ceil(num_samples * 1.0 * 1.005))  # get_normalized_weights_and_num_samples
    tokens = int(np.sum(sizes))
    epochs = num_epochs(tokens, seq, n)
    np_rng = np.random.RandomState(seed=seed)
    doc_idx = np.mgrid[0:epochs, 0:len(sizes)][1]  # _build_doc_idx
    doc_idx[:] = np.arange(len(sizes))
    doc_idx = doc_idx.reshape(-1).astype(np.int32)
    np_rng.shuffle(doc_idx)
    sample_idx = build_sample_idx(sizes, doc_idx, seq, epochs, tokens)
    size = sample_idx.shape[0] - 1  # _build_shuffle_idx
    dtype_ = np.uint32 if size < (np.iinfo(np.uint32).max - 1) else np.int64
    shuffle_idx = np.arange(0, size, 1, dtype=dtype_)
    np_rng.shuffle(shuffle_idx)
    return doc_idx, sample_idx, shuffle_idx


def cohort_maps(sizes, seq, seed, num_samples):
    tokens = int(np.sum(sizes))
    epochs = num_epochs(tokens, seq, num_samples)
    lookahead = -(-(seq + 1) // tokens)
    docs = []
    for e in range(epochs + lookahead):
        perm = np.arange(len(sizes), dtype=np.int32)
        np.random.RandomState([seed, e, 0]).shuffle(perm)
        docs.append(perm)
    doc_idx = np.concatenate(docs)
    sample_idx = build_sample_idx(sizes, doc_idx, seq, epochs + lookahead, tokens)
    first = lambda e: -(-(e * tokens) // seq)
    groups = []
    for e in range(epochs):
        g = np.arange(first(e), first(e + 1), dtype=np.uint32)
        np.random.RandomState([seed, e, 1]).shuffle(g)
        groups.append(g)
    return doc_idx, sample_idx, np.concatenate(groups)


def get_sample(bin_tokens, sizes, pointers, itemsize, doc_idx, sample_idx, shuffle_idx, i):
    def item(k, offset=0, length=None):
        start = pointers[k] // itemsize + offset
        end = pointers[k] // itemsize + (sizes[k] if length is None else offset + length)
        return bin_tokens[start:end]
    j = shuffle_idx[i]
    f, of = sample_idx[j]
    l, ol = sample_idx[j + 1]
    if f == l:
        return item(doc_idx[f], of, ol - of + 1)
    parts = [item(doc_idx[f], of)]
    parts += [item(doc_idx[d]) for d in range(f + 1, l)]
    parts.append(item(doc_idx[l], 0, ol + 1))
    return np.concatenate(parts)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("prefix")
    ap.add_argument("out")
    ap.add_argument("--mode", choices=["neox", "cohort"], required=True)
    ap.add_argument("--seq", type=int, required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--num-samples", type=int, required=True)
    ap.add_argument("--samples", type=int, default=0)
    a = ap.parse_args()
    dtype, sizes, pointers = read_idx(a.prefix)
    maps = (neox_maps if a.mode == "neox" else cohort_maps)(sizes, a.seq, a.seed, a.num_samples)
    os.makedirs(a.out, exist_ok=True)
    for name, arr in zip(["doc_idx", "sample_idx", "shuffle_idx"], maps):
        np.save(os.path.join(a.out, name + ".npy"), arr)
    if a.samples:
        bin_tokens = np.fromfile(a.prefix + ".bin", dtype=dtype)
        itemsize = np.dtype(dtype).itemsize
        rows = [get_sample(bin_tokens, sizes, pointers, itemsize, *maps, i) for i in range(a.samples)]
        np.save(os.path.join(a.out, "samples.npy"), np.stack(rows).astype(np.int32))


if __name__ == "__main__":
    main()
