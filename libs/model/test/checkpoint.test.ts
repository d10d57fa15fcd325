import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { encodeSafetensors, GPTNeoX, importHf, listCheckpoints, loadCheckpoint, readSafetensors, saveCheckpoint, toHfConfig, Trainer, verifyCheckpoint } from '../src';
import { FIXTURES, loadFixture } from './fixtures';
import { batchAt, sha256, TINY, TINY_OPT } from './tiny';

const work = mkdtempSync(join(tmpdir(), 'cohort-model-ckpt-'));
after(() => rmSync(work, { recursive: true, force: true }));

function trained(): { model: GPTNeoX; trainer: Trainer } {
  const model = GPTNeoX.create(TINY, { seed: 5, threads: 2 });
  const trainer = new Trainer(model, TINY_OPT);
  trainer.trainStep([batchAt(0)]);
  return { model, trainer };
}

describe('checkpoints', () => {
  it('writes an HF-compatible directory with a sha256 manifest, and round-trips', () => {
    const { model, trainer } = trained();
    const dir = join(work, 'step1');
    const manifest = saveCheckpoint(dir, model, { trainer, dataPosition: 4, seed: 5 });
    assert.deepEqual(Object.keys(manifest.files).sort(), ['config.json', 'model.safetensors', 'optimizer.safetensors', 'training_state.json']);
    const cfg = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    assert.equal(cfg.architectures[0], 'GPTNeoXForCausalLM');
    assert.equal(cfg.hidden_act, 'gelu');
    assert.equal(cfg.use_parallel_residual, true);
    const st = readSafetensors(join(dir, 'model.safetensors'));
    assert.deepEqual(st.get('gpt_neox.layers.1.attention.query_key_value.weight')?.shape, [192, 64]);
    assert.deepEqual(st.get('embed_out.weight')?.shape, [128, 64]);
    assert.equal(st.get('embed_out.weight')?.dtype, 'F32');
    assert.equal(readdirSync(work).filter((n) => n.includes('.tmp-')).length, 0, 'no temp dir left behind');

    const back = loadCheckpoint(dir, { threads: 2 });
    assert.equal(sha256(back.model.getWeights()), sha256(model.getWeights()));
    assert.equal(sha256(back.model.engine.getOptState().m), sha256(model.engine.getOptState().m));
    assert.equal(back.trainer?.step, 1);
    assert.deepEqual(listCheckpoints(work).map((c) => c.step), [1]);
  });

  it('refuses to overwrite an existing checkpoint unless asked', () => {
    const { model } = trained();
    const dir = join(work, 'exists');
    saveCheckpoint(dir, model);
    const before = readFileSync(join(dir, 'manifest.json'), 'utf8');
    assert.throws(() => saveCheckpoint(dir, model), /already exists; refusing to overwrite/);
    assert.equal(readFileSync(join(dir, 'manifest.json'), 'utf8'), before);
    saveCheckpoint(dir, model, { overwrite: true });
    verifyCheckpoint(dir);
  });

  it('tampered file: sha mismatch is a clear error', () => {
    const { model } = trained();
    const dir = join(work, 'tampered');
    saveCheckpoint(dir, model);
    const p = join(dir, 'model.safetensors');
    const buf = readFileSync(p);
    buf[buf.length - 3] ^= 0x40;
    writeFileSync(p, buf);
    assert.throws(() => loadCheckpoint(dir), /model\.safetensors sha256 .* does not match the manifest/);
  });

  it('truncated file: size mismatch is a clear error', () => {
    const { model } = trained();
    const dir = join(work, 'truncated');
    saveCheckpoint(dir, model);
    truncateSync(join(dir, 'model.safetensors'), 1000);
    assert.throws(() => loadCheckpoint(dir), /model\.safetensors has 1000 bytes, manifest says \d+ \(truncated or modified\)/);
  });

  it('missing manifest (interrupted write) is a clear error', () => {
    const dir = join(work, 'nomanifest');
    mkdirSync(dir);
    assert.throws(() => loadCheckpoint(dir), /no manifest\.json/);
  });

  it('imports an HF directory; config/weights mismatch and truncated safetensors are clear errors', () => {
    const f = loadFixture('sequential_tanh');
    const dir = join(work, 'hf');
    mkdirSync(dir);
    const meta = JSON.parse(readFileSync(join(FIXTURES, 'sequential_tanh.json'), 'utf8'));
    writeFileSync(join(dir, 'config.json'), JSON.stringify(meta.config));
    const model = GPTNeoX.empty(f.config, { threads: 2 });
    const tensors = model.params.map((p) => ({ name: p.name, dtype: 'F32' as const, shape: p.shape, data: f.f32(`weight.${p.name}`) }));
    writeFileSync(join(dir, 'model.safetensors'), Buffer.concat(encodeSafetensors(tensors)));
    const m = importHf(dir, { threads: 2 });
    assert.equal(m.config.useParallelResidual, false);
    assert.equal(m.config.hiddenAct, 'gelu_new');
    assert.equal(m.getWeights()[5], f.f32('weight.gpt_neox.embed_in.weight')[5]);

    // The same weights as a sharded checkpoint (model.safetensors.index.json + two shards).
    const sharded = join(work, 'hf-sharded');
    mkdirSync(sharded);
    writeFileSync(join(sharded, 'config.json'), JSON.stringify(meta.config));
    const half = Math.floor(tensors.length / 2);
    const shards = { 'model-00001-of-00002.safetensors': tensors.slice(0, half), 'model-00002-of-00002.safetensors': tensors.slice(half) };
    const weightMap: Record<string, string> = {};
    for (const [file, ts] of Object.entries(shards)) {
      writeFileSync(join(sharded, file), Buffer.concat(encodeSafetensors(ts)));
      for (const t of ts) weightMap[t.name] = file;
    }
    writeFileSync(join(sharded, 'model.safetensors.index.json'), JSON.stringify({ metadata: {}, weight_map: weightMap }));
    assert.equal(sha256(importHf(sharded, { threads: 2 }).getWeights()), sha256(m.getWeights()));

    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...meta.config, hidden_size: 128 }));
    assert.throws(() => importHf(dir), /'gpt_neox\.embed_in\.weight' has shape \[96,64\] but config\.json implies \[96,128\]: config and weights do not match/);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...meta.config, num_hidden_layers: 1 }));
    assert.throws(() => importHf(dir), /unexpected tensor 'gpt_neox\.layers\.1\./);
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...meta.config, num_hidden_layers: 3 }));
    assert.throws(() => importHf(dir), /missing tensor 'gpt_neox\.layers\.2\./);
    writeFileSync(join(dir, 'config.json'), JSON.stringify(toHfConfig(f.config)));
    truncateSync(join(dir, 'model.safetensors'), 5000);
    assert.throws(() => importHf(dir), /invalid safetensors file: .*truncated\?/);
  });
});
