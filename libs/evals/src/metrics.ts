// lm-eval 0.4's aggregations (api/metrics.py) and their standard errors. Sums run left to right
// like Python 3.11's sum(), so values match lm-eval to the last bit up to libm's exp/log.
import { PythonRandom } from './python-random';

/** One document's value for a metric: a number, or (loglikelihood, words|bytes) for the weighted ones. */
export type MetricItem = number | readonly [number, number];

/**
 * How a metric's per-document items become one number. `mean` gets lm-eval's mean_stderr,
 * `perplexity` its bootstrap, the weighted ones no stderr (lm-eval reports "N/A").
 */
export type Aggregation = 'mean' | 'perplexity' | 'weighted_perplexity' | 'bits_per_byte';

export function mean(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Bessel-corrected standard deviation (lm-eval's sample_stddev). */
export function sampleStddev(xs: readonly number[]): number {
  const mu = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - mu) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

export function meanStderr(xs: readonly number[]): number {
  return sampleStddev(xs) / Math.sqrt(xs.length);
}

/** exp(-mean log-likelihood): lambada's perplexity of the target word. */
export function perplexity(lls: readonly number[]): number {
  return Math.exp(-mean(lls));
}

function weightedMean(items: readonly (readonly [number, number])[]): number {
  let a = 0;
  let b = 0;
  for (const [x, w] of items) {
    a += x;
    b += w;
  }
  return a / b;
}

/** exp(-Σ loglikelihood / Σ units): word or byte perplexity of rolling tasks. */
export function weightedPerplexity(items: readonly (readonly [number, number])[]): number {
  return Math.exp(-weightedMean(items));
}

export function bitsPerByte(items: readonly (readonly [number, number])[]): number {
  return -weightedMean(items) / Math.LN2;
}

/**
 * lm-eval's bootstrap_stderr: iters/1000 chunks of min(1000, iters) resamples, chunk i drawing
 * with `Random(i).choices(xs, k=len(xs))`; the stderr is the sample stddev of f over all resamples.
 * The chunks use the same seeds as lm-eval's worker pool, so the result is lm-eval's own.
 */
export function bootstrapStderr(f: (xs: readonly number[]) => number, xs: readonly number[], iters: number): number {
  const chunk = Math.min(1000, iters);
  const n = xs.length;
  const resample = new Array<number>(n);
  const values: number[] = [];
  for (let i = 0; i < Math.floor(iters / chunk); i++) {
    const rng = new PythonRandom(i);
    for (let r = 0; r < chunk; r++) {
      for (let j = 0; j < n; j++) resample[j] = xs[Math.floor(rng.random() * n)];
      values.push(f(resample));
    }
  }
  return sampleStddev(values);
}

/** numpy.argmax: the first maximum (the first NaN, if any). */
export function argmax(xs: readonly number[]): number {
  let best = 0;
  for (let i = 0; i < xs.length; i++) {
    if (Number.isNaN(xs[i])) return i;
    if (xs[i] > xs[best]) best = i;
  }
  return best;
}

/**
 * A metric's value and stderr over its items; stderr is null where lm-eval gives "N/A": one item,
 * bootstrapIters ≤ 0 (lm-eval's switch for every stderr), or a weighted metric.
 */
export function aggregate(aggregation: Aggregation, items: readonly MetricItem[], bootstrapIters: number): { value: number; stderr: number | null } {
  const scalars = () => items.map((x) => x as number);
  const pairs = () => items.map((x) => x as readonly [number, number]);
  const withStderr = items.length > 1 && bootstrapIters > 0;
  switch (aggregation) {
    case 'mean':
      return { value: mean(scalars()), stderr: withStderr ? meanStderr(scalars()) : null };
    case 'perplexity':
      return { value: perplexity(scalars()), stderr: withStderr ? bootstrapStderr(perplexity, scalars(), bootstrapIters) : null };
    case 'weighted_perplexity':
      return { value: weightedPerplexity(pairs()), stderr: null };
    case 'bits_per_byte':
      return { value: bitsPerByte(pairs()), stderr: null };
  }
}
