// The two activities end to end on disk, with a stand-in for lineage (the run row they query) and
// an activity context that records heartbeats: planning, shard scans, resume, and the failures
// that must not be retried.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { buildDataOrder, buildTokenDataset, generateSyntheticCorpus, sha256File, trainTokenizer } from '@cohort/data';
import { GPTNeoX, saveCheckpoint, type ModelConfig } from '@cohort/model';
import type { LineageClient } from '@cohort/lineage';
import type { MemorizationScanParams, MemorizationScanTarget } from '@cohort/workflows';
import { memorizationParamErrors, planMemorizationScanActivity, scanMemorizationShardActivity } from '../src/activities/memorization-scan';
import { readScanScores, readWindowList, WINDOWS_FILE } from '../src/memorization';
import { Storage } from '../src/storage';
import { inActivity, tempDir, TINY, type Beats } from './helpers';

const SUITE = 'suite-1';
const RUN = 'run-1';
const STEP = 6;
const SEQ = 64;
const CONFIG: ModelConfig = { ...TINY, vocabSize: 512, maxPositionEmbeddings: 64 };

interface Fixture {
  storage: Storage;
  db: LineageClient;
  sha256: string;
  setSha(sha: string): void;
  tokenizerPath: string;
}

/** A synthetic suite's data (planted sequences), one order, one checkpoint, and the run row lineage would return. */
async function fixture(): Promise<Fixture> {
  const root = tempDir('activity');
  const storage = new Storage(root);
  const data = storage.suiteData(SUITE);
  const manifest = generateSyntheticCorpus({ outDir: path.join(data, 'synthetic'), seed: 8, documents: 60, sentencesPerDocument: 3, repeated: { perCount: 2, counts: [2, 8], words: 6 } });
  assert.equal(storage.syntheticManifest(SUITE), path.join(data, 'synthetic', 'manifest.json'));
  const tokenizerPath = path.join(data, 'tokenizer.json');
  await trainTokenizer({ corpus: { paths: [manifest.corpusFile] }, vocabSize: 400, outPath: tokenizerPath });
  await buildTokenDataset({ corpus: { paths: [manifest.corpusFile] }, tokenizerPath, prefix: path.join(data, 'standard') });
  const orderDir = path.join(data, 'order-standard');
  buildDataOrder({ dataset: path.join(data, 'standard'), outDir: orderDir, seqLength: SEQ, globalBatch: 4, seed: 1, numSamples: 40, mode: 'cohort' });
  const model = GPTNeoX.create(CONFIG, { seed: 2, threads: 2 });
  saveCheckpoint(storage.checkpoint(RUN, STEP), model);
  model.dispose();
  let sha256 = sha256File(path.join(storage.checkpoint(RUN, STEP), 'model.safetensors'));
  const f: Fixture = {
    storage,
    tokenizerPath,
    sha256,
    setSha: (s) => (sha256 = s),
    db: {
      run: {
        findUniqueOrThrow: async (args: { where: { id: string }; include: { checkpoints: { where: { step: number } } } }) => {
          assert.equal(args.where.id, RUN);
          const step = args.include.checkpoints.where.step;
          return {
            id: RUN,
            name: 'tiny-standard',
            suiteId: SUITE,
            transform: null,
            branchStep: null,
            training: { steps: 10, globalBatch: 4, seqLength: SEQ },
            checkpoints: step === STEP ? [{ id: 'cp-6', runId: RUN, step, sha256 }] : [],
            modelConfig: { config: CONFIG },
            dataOrder: { uri: orderDir, seqLength: SEQ, globalBatch: 4, dataset: { tokenizer: { uri: tokenizerPath } } },
          };
        },
      },
    } as unknown as LineageClient,
  };
  return f;
}

const params = (p: Partial<MemorizationScanParams> = {}): MemorizationScanParams => ({ prompt: 8, continuation: 8, windows: 'sequence-start', sequences: 'seen', batchSize: 5, shardSize: 8, ...p });

async function rejectsNonRetryable(p: Promise<unknown>, type: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ApplicationFailure, `${err}`);
    assert.equal(err.nonRetryable, true);
    assert.equal(err.type, type);
    assert.match(err.message, message);
    return true;
  });
}

describe('memorization scan activities', async () => {
  const f = await fixture();
  const deps = { db: f.db, storage: f.storage, engine: { backend: 'cpu' as const, threads: 2, device: null } };
  const plan = planMemorizationScanActivity(deps);
  const scan = scanMemorizationShardActivity(deps);
  const target = (analysisId: string, p: MemorizationScanParams): MemorizationScanTarget => ({ analysisId, runId: RUN, step: STEP, params: p });

  it('plans sequence-start windows of the seen sequences, idempotently', async () => {
    const t = target('a-start', params());
    assert.deepEqual(await inActivity(() => plan(t)), { windows: STEP * 4, shards: 3 });
    const dir = f.storage.memorizationScan('a-start', RUN, STEP);
    const mtime = fs.statSync(path.join(dir, WINDOWS_FILE)).mtimeMs;
    assert.deepEqual(await inActivity(() => plan(t)), { windows: 24, shards: 3 });
    assert.equal(fs.statSync(path.join(dir, WINDOWS_FILE)).mtimeMs, mtime, 'planning again writes nothing');
    assert.deepEqual(await inActivity(() => plan(target('a-all', params({ sequences: 'all' })))), { windows: 40, shards: 5 });
  });

  it('scans each shard on the verified checkpoint (heartbeat per batch), then resumes without rescanning', async () => {
    const t = target('a-start', params());
    const beats: Beats = { details: [], abort: new AbortController() };
    const results = [];
    for (let shard = 0; shard < 3; shard++) results.push(await inActivity(() => scan({ ...t, shard }), beats));
    assert.deepEqual(results.map((r) => [r.shard, r.windows, r.resumed]), [[0, 8, false], [1, 8, false], [2, 8, false]]);
    assert.deepEqual(beats.details.slice(0, 2), [{ shard: 0, scored: 5, total: 8 }, { shard: 0, scored: 8, total: 8 }]);
    const again = await inActivity(() => scan({ ...t, shard: 1 }));
    assert.deepEqual(again, { ...results[1], resumed: true });

    const dir = f.storage.memorizationScan('a-start', RUN, STEP);
    const scores = readScanScores(dir);
    assert.equal(scores.scores.length, 24);
    assert.equal(results.reduce((n, r) => n + r.memorized, 0), scores.scores.filter((s) => s === 8).length);
    // The scores are those of the checkpoint's model, window by window.
    const model = GPTNeoX.create(CONFIG, { seed: 2, threads: 2 });
    const w = readWindowList(dir);
    for (let i = 0; i < w.count; i++) {
      const row = Array.from(w.tokens.subarray(i * 16, (i + 1) * 16));
      const g = model.generate([row.slice(0, 8)], 8)[0];
      assert.equal(scores.scores[i], g.filter((x, j) => x === row[8 + j]).length, `window ${i}`);
    }
    model.dispose();
  });

  it('plans planted windows from the synthetic manifest', async () => {
    const r = await inActivity(() => plan(target('a-planted', params({ windows: 'planted', sequences: 'all', shardSize: 100 }))));
    assert.ok(r.windows > 0, `${r.windows} planted windows`);
    const w = readWindowList(f.storage.memorizationScan('a-planted', RUN, STEP));
    assert.ok(Array.from(w.plantedId).every((id) => id >= 0 && id < 4));
    await rejectsNonRetryable(
      inActivity(() => plan(target('a-planted-long', params({ windows: 'planted', prompt: 30, continuation: 30 })))),
      'BadMemorizationParams',
      /planted sequence \d+ .* encodes to \d+ tokens, fewer than prompt 30 \+ continuation 30 = 60: use a smaller prompt\/continuation or longer planted sequences/,
    );
  });

  it('refuses bad parameters, other settings in a planned directory, unplanned scans and unknown shards', async () => {
    assert.deepEqual(memorizationParamErrors(params()), []);
    await rejectsNonRetryable(inActivity(() => plan(target('a-bad', params({ prompt: 0 })))), 'BadMemorizationParams', /prompt must be an integer >= 1, got 0/);
    await rejectsNonRetryable(inActivity(() => plan(target('a-bad', params({ continuation: 300 })))), 'BadMemorizationParams', /continuation must be at most 255/);
    await rejectsNonRetryable(inActivity(() => scan({ ...target('a-bad', params({ continuation: 0 })), shard: 0 })), 'BadMemorizationParams', /continuation must be an integer >= 1, got 0/);
    await rejectsNonRetryable(
      inActivity(() => plan(target('a-bad', params({ prompt: 40, continuation: 26 })))),
      'BadMemorizationParams',
      /prompt 40 \+ continuation 26 = 66 tokens exceed its training sequences \(seqLength 64 \+ 1 = 65 tokens\)/,
    );
    assert.equal(fs.existsSync(f.storage.memorizationScan('a-bad', RUN, STEP)), false, 'nothing written');
    await rejectsNonRetryable(inActivity(() => plan(target('a-start', params({ prompt: 4 })))), 'BadMemorizationParams', /already holds a scan planned with other settings \(prompt 8 on disk, 4 asked\)/);
    await rejectsNonRetryable(inActivity(() => scan({ ...target('a-none', params()), shard: 0 })), 'NotPlanned', /was not planned/);
    await rejectsNonRetryable(inActivity(() => scan({ ...target('a-start', params()), shard: 3 })), 'BadMemorizationParams', /shard 3 does not exist: the scan has 3 shard/);
    await rejectsNonRetryable(inActivity(() => plan({ ...target('a-x', params()), step: 3 })), 'MissingCheckpoint', /no recorded checkpoint at step 3/);
  });

  it('a checkpoint whose weights differ from lineage sha256 fails the shard, writing nothing', async () => {
    const t = target('a-all', params({ sequences: 'all' }));
    f.setSha('0'.repeat(64));
    try {
      await rejectsNonRetryable(inActivity(() => scan({ ...t, shard: 0 })), 'CorruptCheckpoint', /sha256 [0-9a-f]{64} differs from lineage's 0{64}/);
    } finally {
      f.setSha(f.sha256);
    }
    assert.equal(fs.existsSync(path.join(f.storage.memorizationScan('a-all', RUN, STEP), 'shards')), false);
    assert.throws(() => readScanScores(f.storage.memorizationScan('a-all', RUN, STEP)), /shards 0, 1, 2, 3, 4 of 5 missing/);
    const ok = await inActivity(() => scan({ ...t, shard: 4 }));
    assert.deepEqual([ok.windows, ok.resumed], [8, false]);
  });

  it('a cancelled activity stops after the batch in flight', async () => {
    const beats: Beats = { details: [], abort: new AbortController() };
    beats.abort.abort();
    await assert.rejects(inActivity(() => scan({ ...target('a-all', params({ sequences: 'all' })), shard: 0 }), beats), /cancelled in shard 0/);
    assert.equal(beats.details.length, 1);
  });
});
