// Model configuration, and its mapping to and from HF's GPTNeoXConfig (config.json).
import type { NativeConfig } from './native';

/** 'gelu' = exact erf GELU (HF "gelu"); 'gelu_new' = tanh approximation (what Pythia trained with). */
export type HiddenAct = 'gelu' | 'gelu_new';

export interface ModelConfig {
  vocabSize: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  maxPositionEmbeddings: number;
  rotaryPct: number;
  rotaryEmbBase: number;
  layerNormEps: number;
  useParallelResidual: boolean;
  hiddenAct: HiddenAct;
  initializerRange: number;
  bosTokenId: number;
  eosTokenId: number;
}

/** Defaults of a Pythia model; presets override the sizes. */
export const PYTHIA_DEFAULTS: Omit<ModelConfig, 'hiddenSize' | 'numLayers' | 'numHeads' | 'intermediateSize'> = {
  vocabSize: 50304,
  maxPositionEmbeddings: 2048,
  rotaryPct: 0.25,
  rotaryEmbBase: 10000,
  layerNormEps: 1e-5,
  useParallelResidual: true,
  hiddenAct: 'gelu',
  initializerRange: 0.02,
  bosTokenId: 0,
  eosTokenId: 0,
};

const TANH_ACTS = new Set(['gelu_new', 'gelu_pytorch_tanh', 'gelu_fast']);

export function validateConfig(c: ModelConfig): void {
  const ints: (keyof ModelConfig)[] = ['vocabSize', 'hiddenSize', 'numLayers', 'numHeads', 'intermediateSize', 'maxPositionEmbeddings'];
  for (const k of ints) {
    const v = c[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) throw new Error(`model config: ${k} must be a positive integer, got ${String(v)}`);
  }
  if (c.hiddenSize % c.numHeads !== 0) throw new Error(`model config: hiddenSize ${c.hiddenSize} is not divisible by numHeads ${c.numHeads}`);
  if (!(c.rotaryPct >= 0 && c.rotaryPct <= 1)) throw new Error(`model config: rotaryPct must be in [0, 1], got ${c.rotaryPct}`);
  if (rotaryDims(c) % 2 !== 0) throw new Error(`model config: head_dim * rotaryPct = ${rotaryDims(c)} must be even`);
  if (c.hiddenAct !== 'gelu' && c.hiddenAct !== 'gelu_new') throw new Error(`model config: hiddenAct must be 'gelu' or 'gelu_new', got ${String(c.hiddenAct)}`);
}

/** HF: rotary_ndims = int(head_dim * rotary_pct). */
export function rotaryDims(c: ModelConfig): number {
  return Math.trunc((c.hiddenSize / c.numHeads) * c.rotaryPct);
}

export function toNativeConfig(c: ModelConfig): NativeConfig {
  validateConfig(c);
  return {
    vocabSize: c.vocabSize,
    hiddenSize: c.hiddenSize,
    numLayers: c.numLayers,
    numHeads: c.numHeads,
    intermediateSize: c.intermediateSize,
    maxPositionEmbeddings: c.maxPositionEmbeddings,
    rotaryDims: rotaryDims(c),
    rotaryEmbBase: c.rotaryEmbBase,
    layerNormEps: c.layerNormEps,
    useParallelResidual: c.useParallelResidual,
    geluTanh: c.hiddenAct === 'gelu_new',
  };
}

/** config.json for GPTNeoXForCausalLM; legacy rotary keys load in transformers v4 and v5. */
export function toHfConfig(c: ModelConfig): Record<string, unknown> {
  return {
    architectures: ['GPTNeoXForCausalLM'],
    model_type: 'gpt_neox',
    vocab_size: c.vocabSize,
    hidden_size: c.hiddenSize,
    num_hidden_layers: c.numLayers,
    num_attention_heads: c.numHeads,
    intermediate_size: c.intermediateSize,
    hidden_act: c.hiddenAct,
    rotary_pct: c.rotaryPct,
    rotary_emb_base: c.rotaryEmbBase,
    max_position_embeddings: c.maxPositionEmbeddings,
    layer_norm_eps: c.layerNormEps,
    use_parallel_residual: c.useParallelResidual,
    tie_word_embeddings: false,
    attention_bias: true,
    attention_dropout: 0.0,
    hidden_dropout: 0.0,
    initializer_range: c.initializerRange,
    bos_token_id: c.bosTokenId,
    eos_token_id: c.eosTokenId,
    use_cache: true,
    torch_dtype: 'float32',
  };
}

/** Parses an HF GPT-NeoX config.json (v4 legacy keys or v5 rope_parameters). */
export function fromHfConfig(j: Record<string, unknown>): ModelConfig {
  const num = (k: string, dflt?: number): number => {
    const v = j[k] ?? dflt;
    if (typeof v !== 'number') throw new Error(`config.json: '${k}' must be a number`);
    return v;
  };
  if (j.model_type !== undefined && j.model_type !== 'gpt_neox') throw new Error(`config.json: model_type '${String(j.model_type)}' is not 'gpt_neox'`);
  if (j.tie_word_embeddings === true) throw new Error('config.json: tie_word_embeddings=true is not supported (GPT-NeoX uses an untied embed_out)');
  if (j.attention_bias === false) throw new Error('config.json: attention_bias=false is not supported');
  const act = String(j.hidden_act ?? 'gelu');
  if (act !== 'gelu' && !TANH_ACTS.has(act)) throw new Error(`config.json: hidden_act '${act}' is not supported (gelu, gelu_new, gelu_pytorch_tanh, gelu_fast)`);
  const rope = (j.rope_parameters ?? {}) as Record<string, unknown>;
  const hidden = num('hidden_size');
  const c: ModelConfig = {
    vocabSize: num('vocab_size'),
    hiddenSize: hidden,
    numLayers: num('num_hidden_layers'),
    numHeads: num('num_attention_heads'),
    intermediateSize: num('intermediate_size', 4 * hidden),
    maxPositionEmbeddings: num('max_position_embeddings', 2048),
    rotaryPct: (rope.partial_rotary_factor as number | undefined) ?? num('rotary_pct', 0.25),
    rotaryEmbBase: (rope.rope_theta as number | undefined) ?? num('rotary_emb_base', 10000),
    layerNormEps: num('layer_norm_eps', 1e-5),
    useParallelResidual: j.use_parallel_residual === undefined ? true : Boolean(j.use_parallel_residual),
    hiddenAct: act === 'gelu' ? 'gelu' : 'gelu_new',
    initializerRange: num('initializer_range', 0.02),
    bosTokenId: num('bos_token_id', 0),
    eosTokenId: num('eos_token_id', 0),
  };
  validateConfig(c);
  return c;
}
