// Trains the small model the lm-eval parity goldens are computed on, and writes it as an HF
// GPT-NeoX directory (config.json, model.safetensors, tokenizer.json) at
// libs/evals/test/fixtures/parity-model/.
// Why trained, and why this small: a random model puts near-equal mass on many tokens, so choices
// tie and is_greedy flips on rounding noise; a few hundred steps on real English separate them.
// A 2,048-token vocabulary Cohort trains itself keeps the committed weights at ~1.5 MB, and a
// 256-position context makes long requests (5-shot prompts, WikiText windows) exercise lm-eval's
// left truncation and rolling windows.
// Deterministic: fixed corpus files, seed, thread count and sampling; re-running it reproduces the
// same bytes on the same machine (the goldens must be regenerated if the weights change).
// Usage: node tools/evals/make_parity_model.mjs [outDir]   (after `npx tsc -b libs/model libs/data`)
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const m = require(join(root, 'libs', 'model'));
const d = require(join(root, 'libs', 'data'));

const out = process.argv[2] ?? join(root, 'libs', 'evals', 'test', 'fixtures', 'parity-model');
const shared = d.sharedDataDir();
if (!shared) throw new Error('the shared data folder (../shared/data or $COHORT_SHARED_DATA) is needed for the training corpus');

// Prose from three authors and some verse: enough English for 2k merges and ~600k training tokens.
const corpus = ['austen-emma', 'austen-sense', 'chesterton-thursday', 'melville-piazza', 'carroll-alice', 'bryant-stories', 'whitman-leaves']
  .map((name) => join(shared, 'gutenberg_nltk', 'training', `${name}.txt`));
const SEED = 1234, THREADS = 2, STEPS = 600, BATCH = 8, SEQ = 256;
const config = { ...m.PYTHIA_DEFAULTS, vocabSize: 2048, hiddenSize: 64, numLayers: 2, numHeads: 4, intermediateSize: 256, maxPositionEmbeddings: SEQ };

const work = mkdtempSync(join(tmpdir(), 'cohort-parity-model-'));
try {
  const tokPath = join(work, 'tokenizer.json');
  const art = await d.trainTokenizer({ corpus: { paths: corpus }, vocabSize: config.vocabSize, outPath: tokPath });
  if (art.vocabSize > config.vocabSize) throw new Error(`tokenizer has ${art.vocabSize} ids, more than the model's ${config.vocabSize}`);
  const tok = d.CohortTokenizer.load(tokPath);

  // One token stream, each document followed by end-of-text, as the pretraining datasets are built.
  const stream = [];
  for await (const doc of d.readCorpus({ paths: corpus })) {
    for (const id of await tok.encode(doc.text)) stream.push(id);
    stream.push(tok.eodId);
  }

  const model = m.GPTNeoX.create(config, { seed: SEED, threads: THREADS });
  const schedule = { kind: 'cosine', warmupSteps: 50, totalSteps: STEPS, minLr: 3e-4 };
  const trainer = new m.Trainer(model, { lr: 3e-3, beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1, maxGradNorm: 1, schedule });
  let s = SEED; // LCG over window starts: the data order is part of the fixture's definition
  const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
  let loss = NaN;
  for (let step = 0; step < STEPS; step++) {
    const rows = Array.from({ length: BATCH }, () => {
      const start = next() % (stream.length - SEQ - 1);
      return stream.slice(start, start + SEQ + 1);
    });
    loss = trainer.trainStep([m.causalBatch(rows, SEQ)]).loss;
    if (step % 50 === 0 || step === STEPS - 1) console.error(`step ${step} loss ${loss.toFixed(3)}`);
  }

  const ckpt = join(work, 'checkpoint');
  m.saveCheckpoint(ckpt, model);
  // Only what an HF model directory needs: the parity test loads it with importHf.
  mkdirSync(out, { recursive: true });
  for (const f of ['config.json', 'model.safetensors']) copyFileSync(join(ckpt, f), join(out, f));
  copyFileSync(tokPath, join(out, 'tokenizer.json'));
  console.log(JSON.stringify({ out, tokens: stream.length, finalLoss: loss, tokenizerSha256: art.hash, vocab: art.vocabSize, eodId: tok.eodId }));
} finally {
  rmSync(work, { recursive: true, force: true });
}
