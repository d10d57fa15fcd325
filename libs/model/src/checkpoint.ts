// Checkpoints: an HF-loadable directory (config.json + model.safetensors with GPTNeoXForCausalLM
// keys) plus Cohort's training state, written atomically with a sha256 manifest.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fromHfConfig, type ModelConfig, toHfConfig } from './config';
import { type Backend, type CreateOptions, GPTNeoX, type Precision } from './model';
import { parseSafetensors, type RawTensor, toFloat32, encodeSafetensors, type TensorIn } from './safetensors';
import { readTorchBin } from './torch-bin';
import { type OptimizerConfig, Trainer } from './trainer';

export const MANIFEST = 'manifest.json';
const FORMAT = 'cohort-checkpoint/1';

export interface Manifest {
  format: string;
  files: Record<string, { sha256: string; bytes: number }>;
}

/** What a run needs to continue exactly where it stopped. */
export interface TrainingState {
  step: number;
  optimizer: OptimizerConfig;
  /** Caller's data-order position (e.g. the next sample index). */
  dataPosition: number;
  /** Training consumes no randomness (dropout is 0), so the RNG state is the run seed. */
  rng: { seed: number };
  threads: number;
  backend: Backend;
  /** Absent in checkpoints written before precisions existed (they are fp32). */
  precision?: Precision;
  extra?: Record<string, unknown>;
}

export interface SaveOptions {
  trainer?: Trainer;
  dataPosition?: number;
  seed?: number;
  extra?: Record<string, unknown>;
  /** Replace an existing checkpoint directory (default: refuse). */
  overwrite?: boolean;
}

function writeFileSynced(path: string, chunks: Buffer[]): { sha256: string; bytes: number } {
  const h = createHash('sha256');
  const fd = openSync(path, 'w');
  let bytes = 0;
  try {
    for (const c of chunks) {
      writeSync(fd, c);
      h.update(c);
      bytes += c.length;
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return { sha256: h.digest('hex'), bytes };
}

function fsyncDir(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function paramTensors(model: GPTNeoX, flat: Float32Array, prefix = ''): TensorIn[] {
  return model.params.map((p) => ({ name: prefix + p.name, dtype: 'F32', shape: p.shape, data: flat.subarray(p.offset, p.offset + p.numel) }));
}

/**
 * Writes the checkpoint into a temp sibling directory, fsyncs every file, then renames it into
 * place: readers see either no checkpoint or a complete one.
 */
export function saveCheckpoint(dir: string, model: GPTNeoX, opts: SaveOptions = {}): Manifest {
  if (existsSync(dir) && !opts.overwrite) throw new Error(`checkpoint ${dir} already exists; refusing to overwrite it`);
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp);
  try {
    const files: Manifest['files'] = {};
    const json = (o: unknown) => [Buffer.from(JSON.stringify(o, null, 2) + '\n')];
    files['config.json'] = writeFileSynced(join(tmp, 'config.json'), json(toHfConfig(model.config)));
    files['model.safetensors'] = writeFileSynced(join(tmp, 'model.safetensors'), encodeSafetensors(paramTensors(model, model.getWeights())));
    if (opts.trainer) {
      const { m, v } = model.engine.getOptState();
      const state: TrainingState = {
        step: opts.trainer.step,
        optimizer: opts.trainer.optim,
        dataPosition: opts.dataPosition ?? 0,
        rng: { seed: opts.seed ?? 0 },
        threads: model.threads,
        backend: model.backend,
        precision: model.precision,
        ...(opts.extra ? { extra: opts.extra } : {}),
      };
      files['optimizer.safetensors'] = writeFileSynced(join(tmp, 'optimizer.safetensors'), encodeSafetensors([...paramTensors(model, m, 'exp_avg.'), ...paramTensors(model, v, 'exp_avg_sq.')]));
      files['training_state.json'] = writeFileSynced(join(tmp, 'training_state.json'), json(state));
    }
    const manifest: Manifest = { format: FORMAT, files };
    writeFileSynced(join(tmp, MANIFEST), json(manifest));
    fsyncDir(tmp);
    if (existsSync(dir)) {
      const old = `${tmp}.old`;
      renameSync(dir, old);
      renameSync(tmp, dir);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, dir);
    }
    fsyncDir(parent);
    return manifest;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Checks every file in the manifest (size and sha256); throws naming the first bad file. */
export function verifyCheckpoint(dir: string): Manifest {
  const mpath = join(dir, MANIFEST);
  if (!existsSync(mpath)) throw new Error(`checkpoint ${dir}: no ${MANIFEST} (incomplete write, or not a Cohort checkpoint; use importHf for HF directories)`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(mpath, 'utf8'));
  } catch (e) {
    throw new Error(`checkpoint ${dir}: ${MANIFEST} is not valid JSON (${(e as Error).message})`);
  }
  if (manifest.format !== FORMAT) throw new Error(`checkpoint ${dir}: unsupported format '${manifest.format}' (expected ${FORMAT})`);
  for (const [name, want] of Object.entries(manifest.files)) {
    const p = join(dir, name);
    if (!existsSync(p)) throw new Error(`checkpoint ${dir}: ${name} is missing`);
    const buf = readFileSync(p);
    if (buf.length !== want.bytes) throw new Error(`checkpoint ${dir}: ${name} has ${buf.length} bytes, manifest says ${want.bytes} (truncated or modified)`);
    const got = createHash('sha256').update(buf).digest('hex');
    if (got !== want.sha256) throw new Error(`checkpoint ${dir}: ${name} sha256 ${got} does not match the manifest (${want.sha256}): file was modified or corrupted`);
  }
  return manifest;
}

// Keys old HF checkpoints carry that are buffers, not parameters.
const IGNORED = /\.attention\.(bias|masked_bias|rotary_emb\.inv_freq)$/;

/** Fills a flat buffer from HF-named tensors, checking names and shapes against the config. */
function loadWeights(model: GPTNeoX, tensors: Map<string, RawTensor>, where: string, prefix = ''): Float32Array {
  const flat = new Float32Array(model.numParams);
  const seen = new Set<string>();
  for (const p of model.params) {
    let key = prefix + p.name;
    if (!tensors.has(key) && p.name === 'embed_out.weight' && tensors.has(prefix + 'lm_head.weight')) key = prefix + 'lm_head.weight';
    const t = tensors.get(key);
    if (!t) throw new Error(`${where}: missing tensor '${key}' required by config (hidden_size=${model.config.hiddenSize}, num_hidden_layers=${model.config.numLayers})`);
    if (t.shape.length !== p.shape.length || t.shape.some((s, i) => s !== p.shape[i]))
      throw new Error(`${where}: tensor '${key}' has shape [${t.shape}] but config.json implies [${p.shape}]: config and weights do not match`);
    flat.set(toFloat32(t), p.offset);
    seen.add(key);
  }
  for (const k of tensors.keys())
    if (k.startsWith(prefix) && !seen.has(k) && !IGNORED.test(k))
      throw new Error(`${where}: unexpected tensor '${k}' (not part of GPTNeoXForCausalLM for this config: more layers than num_hidden_layers?)`);
  return flat;
}

function readConfig(dir: string): ModelConfig {
  const p = join(dir, 'config.json');
  if (!existsSync(p)) throw new Error(`${dir}: no config.json`);
  return fromHfConfig(JSON.parse(readFileSync(p, 'utf8')));
}

/** Shard file names of an HF *.index.json, in first-use order. */
function shardFiles(index: string): string[] {
  const map = JSON.parse(readFileSync(index, 'utf8')).weight_map as Record<string, string>;
  return [...new Set(Object.values(map))];
}

/**
 * Weights from a pytorch_model.bin. HF GPT-NeoX .bin files (Pythia's included) also hold the
 * attention module's buffers: the causal mask `attention.bias` (bool or uint8), `masked_bias` and
 * `rotary_emb.inv_freq`. They are derived from the config, not trained, so they are dropped here
 * (before the dtype check: the mask is not a float tensor) as from_pretrained drops them.
 */
function readTorchWeights(path: string, out: Map<string, RawTensor>): void {
  for (const [k, t] of readTorchBin(path)) {
    if (IGNORED.test(k)) continue;
    if (t.dtype !== 'F32' && t.dtype !== 'F16' && t.dtype !== 'BF16') throw new Error(`${path}: tensor '${k}' is ${t.dtype}; weights are F32, F16 or BF16`);
    out.set(k, { dtype: t.dtype, shape: t.shape, bytes: t.bytes });
  }
}

/**
 * Reads model.safetensors, a sharded model.safetensors.index.json, pytorch_model.bin or a sharded
 * pytorch_model.bin.index.json, preferring safetensors when a directory has both.
 */
function readModelTensors(dir: string): Map<string, RawTensor> {
  const out = new Map<string, RawTensor>();
  const single = join(dir, 'model.safetensors');
  if (existsSync(single)) return parseSafetensors(readFileSync(single), single);
  const index = join(dir, 'model.safetensors.index.json');
  if (existsSync(index)) {
    for (const shard of shardFiles(index)) for (const [k, t] of parseSafetensors(readFileSync(join(dir, shard)), shard)) out.set(k, t);
    return out;
  }
  const bin = join(dir, 'pytorch_model.bin');
  const binIndex = join(dir, 'pytorch_model.bin.index.json');
  if (existsSync(bin)) readTorchWeights(bin, out);
  else if (existsSync(binIndex)) for (const shard of shardFiles(binIndex)) readTorchWeights(join(dir, shard), out);
  else throw new Error(`${dir}: no model.safetensors, model.safetensors.index.json, pytorch_model.bin or pytorch_model.bin.index.json`);
  return out;
}

/** Imports any HF GPT-NeoX checkpoint directory (config.json + safetensors or pytorch_model.bin, F32/F16/BF16). */
export function importHf(dir: string, opts: CreateOptions = {}): GPTNeoX {
  const config = readConfig(dir);
  const model = GPTNeoX.empty(config, opts);
  model.setWeights(loadWeights(model, readModelTensors(dir), dir));
  return model;
}

export interface LoadedCheckpoint {
  model: GPTNeoX;
  /** Present when the checkpoint carries training state. */
  trainer?: Trainer;
  state?: TrainingState;
}

/** Verifies the manifest, then restores weights and (if saved) the optimizer and step. */
export function loadCheckpoint(dir: string, opts: CreateOptions = {}): LoadedCheckpoint {
  const manifest = verifyCheckpoint(dir);
  if (!manifest.files['training_state.json']) return { model: importHf(dir, opts) };
  const state = JSON.parse(readFileSync(join(dir, 'training_state.json'), 'utf8')) as TrainingState;
  // Resume on the thread count, backend and precision the run used: results are bit-identical only then.
  const backend = opts.backend ?? state.backend;
  const precision = opts.precision ?? (backend === state.backend ? state.precision ?? 'fp32' : undefined);
  const model = importHf(dir, { ...opts, threads: opts.threads ?? state.threads, backend, precision });
  const opt = parseSafetensors(readFileSync(join(dir, 'optimizer.safetensors')), 'optimizer.safetensors');
  model.engine.setOptState(loadWeights(model, opt, dir, 'exp_avg.'), loadWeights(model, opt, dir, 'exp_avg_sq.'));
  const trainer = new Trainer(model, state.optimizer);
  trainer.step = state.step;
  return { model, trainer, state };
}

/** Checkpoint directories under root, in step order (names step<N>). */
export function listCheckpoints(root: string): { step: number; dir: string }[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((n) => /^step(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ step: Number(m[1]), dir: join(root, m[0]) }))
    .sort((a, b) => a.step - b.step);
}
