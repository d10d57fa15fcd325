// @cohort/data: tokenizer, Megatron token datasets, data orders and the batch viewer, dedup,
// transforms, the synthetic corpus and term counts. See ../README.md.
export { CohortTokenizer, trainTokenizer, type TokenizerArtifact, type TrainTokenizerOptions } from './tokenizer/tokenizer';
export { EOD_TOKEN, PAD_TOKEN, trainBpe, WordCounter, type BpeModel, type BpeTrainOptions } from './tokenizer/bpe-trainer';
export { tokenizerJson } from './tokenizer/tokenizer-json';

export { readCorpus, corpusFiles, type CorpusSpec, type CorpusDocument } from './corpus/read-corpus';
export { buildTokenDataset, type BuildDatasetOptions, type DatasetArtifact } from './corpus/build-dataset';
export { IndexedDataset, IndexedDatasetWriter, hashDataset, type DatasetSummary } from './indexed/dataset';
export { readIdx, encodeIdx, type IdxIndex } from './indexed/idx';
export { bestFittingDtype, dtypeByCode, type TokenArray, type TokenDtype } from './indexed/dtypes';

export { buildDataOrder, NEOX_SAMPLE_MARGIN, neoxIndexSamples, type DataOrderOptions, type OrderManifest, type OrderMode } from './order/build-order';
export { DataOrder, openDataOrder, type Batch, type OpenOrderOptions } from './order/data-order';
export { RandomState } from './order/random-state';
export { readNpy, writeNpy } from './order/npy';
export { formatBatch, renderBatchView, type BatchView, type BatchRowView, type FormatBatchOptions } from './batch-view';

export { dedupDataset, type DedupOptions, type DedupReport, type DedupCluster } from './dedup/dedup';
export { MinHasher, estimatedJaccard } from './dedup/minhash';

export type { TextTransform, TextEdit } from './transforms/transform';
export { PronounSwap } from './transforms/pronoun-swap';
export { transformSample, TransformedOrder, type InterventionSpec, type TransformedSample } from './transforms/apply';

export { generateSyntheticCorpus, type SyntheticCorpusOptions, type SyntheticManifest } from './synthetic/generate';
export type { RepeatedSequenceSpec, ArithmeticSpec, PronounSpec, DuplicateSpec, PlantedSequence } from './synthetic/phenomena';

export { buildTermCounts, termCountAt, saveTermCounts, textTerms, type Term, type TermCountIndex } from './term-counts';
export { buildOperandCounts, countNearbyNumbers, operandCountAt, type DecodingTokenizer, type NearbyNumberOptions, type OperandCountOptions, type OperandCounts } from './number-counts';
export { sharedDataDir } from './shared-data';
export { sha256File, sha256Hex, writeFileAtomic } from './hash';
export { transformByName, openRunOrder, type RunOrderOptions } from './transforms/registry';
