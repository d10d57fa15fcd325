// The three index arrays of a Megatron GPT dataset (GPT-NeoX v1.0 megatron/data/gpt2_dataset.py and
// helpers.cpp), as pure functions. Samples are seq+1 tokens cut from the concatenation of documents
// in doc_idx order; consecutive samples share one token (the next sample's first input is the
// previous sample's last label).
import type { RandomState } from './random-state';

/** `_num_epochs`: fewest epochs E with (E·tokens − 1) // seq ≥ numSamples. */
export function numEpochs(tokensPerEpoch: number, seqLength: number, numSamples: number): number {
  if (tokensPerEpoch <= 0) throw new Error('dataset has no tokens');
  let epochs = 0;
  let total = 0;
  for (;;) {
    epochs++;
    total += tokensPerEpoch;
    if (Math.floor((total - 1) / seqLength) >= numSamples) return epochs;
  }
}

/** doc_idx is int32 in NeoX (and here): refuse sizes it cannot index instead of wrapping around. */
export function allocDocIdx(numDocs: number, epochs: number): Int32Array {
  if (numDocs * epochs >= 2 ** 31) {
    throw new Error(`data order: ${epochs} epochs × ${numDocs} documents exceed the int32 doc index; use fewer samples or a larger seq length`);
  }
  return new Int32Array(numDocs * epochs);
}

/** `_build_doc_idx`: document ids tiled `epochs` times, then one global shuffle. */
export function buildDocIdxNeox(numDocs: number, epochs: number, rng: RandomState): Int32Array {
  const docIdx = allocDocIdx(numDocs, epochs);
  for (let e = 0; e < epochs; e++) for (let d = 0; d < numDocs; d++) docIdx[e * numDocs + d] = d;
  rng.shuffle(docIdx);
  return docIdx;
}

/**
 * `helpers.build_sample_idx`: (index into doc_idx, token offset) of each sample start, plus one
 * final end entry; (epochs·tokens − 1) // seq samples. Flattened [2·(n+1)] int32, as NeoX stores it.
 */
export function buildSampleIdx(sizes: Int32Array, docIdx: Int32Array, seqLength: number, epochs: number, tokensPerEpoch: number): Int32Array {
  const numSamples = Math.floor((epochs * tokensPerEpoch - 1) / seqLength);
  const out = new Int32Array(2 * (numSamples + 1));
  let docIdxIndex = 0;
  let docOffset = 0;
  for (let s = 1; s <= numSamples; s++) {
    let remaining = seqLength + 1;
    while (remaining !== 0) {
      const docLength = sizes[docIdx[docIdxIndex]] - docOffset;
      remaining -= docLength;
      if (remaining <= 0) {
        docOffset += remaining + docLength - 1; // the last token is shared with the next sample
        remaining = 0;
      } else {
        docIdxIndex++;
        docOffset = 0;
      }
    }
    out[2 * s] = docIdxIndex;
    out[2 * s + 1] = docOffset;
  }
  return out;
}

/** `_build_shuffle_idx`: a shuffled arange (uint32, or int64 past 2^32−1 entries). */
export function buildShuffleIdx(size: number, rng: RandomState): Uint32Array | Float64Array {
  const idx = size >= 0xffffffff - 1 ? new Float64Array(size) : new Uint32Array(size);
  for (let i = 0; i < size; i++) idx[i] = i;
  rng.shuffle(idx);
  return idx;
}
