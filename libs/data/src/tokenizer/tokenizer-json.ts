// Serialises a trained byte-level BPE as a Hugging Face tokenizer.json in GPT-NeoX's layout
// (ByteLevel pre-tokenizer/decoder/post-processor, BPE model, added special tokens at ids 0 and 1).
// No NFC normalizer, unlike GPT-NeoX-20B's file: without it every UTF-8 string round-trips exactly.
import { SPECIAL_TOKENS, type BpeModel } from './bpe-trainer';

const BYTE_LEVEL = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };

export function tokenizerJson(model: BpeModel): string {
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: SPECIAL_TOKENS.map((content) => ({
      id: model.vocab.get(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: null,
    pre_tokenizer: BYTE_LEVEL,
    post_processor: BYTE_LEVEL,
    decoder: BYTE_LEVEL,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(model.vocab),
      merges: model.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
  return JSON.stringify(json, null, 1) + '\n';
}
