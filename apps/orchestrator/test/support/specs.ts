/** The smallest real suite: a few steps of the tiniest preset on a small synthetic corpus, all on `queue`. */
export const smallestSuite = (name: string, queue: string) => ({
  name,
  corpus: { kind: 'synthetic', documents: 100 },
  tokenizer: { kind: 'train', vocabSize: 300 },
  seqLength: 16,
  globalBatch: 2,
  steps: 2,
  models: [{ preset: 'cpu-tiny' }],
  placement: { default: queue, data: queue },
});
