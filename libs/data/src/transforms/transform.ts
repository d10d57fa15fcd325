// Data transforms applied to the samples of a step range (interventions). A transform sees a sample
// as its bytes — a latin1 string, one char per byte, so offsets are byte offsets and a sample that
// starts or ends inside a multi-byte character cannot be damaged — and proposes local edits.
// Only the tokens an edit touches are re-encoded; every other token of the sample is kept as is.

export interface TextEdit {
  /** Byte range [start, end) of the sample's bytes to replace. */
  start: number;
  end: number;
  /** Replacement text (UTF-8). */
  replacement: string;
}

export interface TextTransform {
  /** Stable identity, part of the transformed order's hash; bump the version when the rule changes. */
  readonly id: string;
  /** Non-overlapping edits in increasing order. */
  edits(bytes: string): TextEdit[];
}
