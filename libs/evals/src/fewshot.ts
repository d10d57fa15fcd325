// lm-eval's few-shot prefix (ContextSampler.get_context): one Random(seed) per task run draws
// `shots` documents for every evaluated document in turn; drawn copies of the document itself
// are dropped (so a prompt can get one shot fewer, as in lm-eval), the rest concatenated.
import { PythonRandom } from './python-random';
import type { TaskDefinition } from './task';

export class FewshotSampler<D> {
  private readonly rng: PythonRandom;

  constructor(
    private readonly task: TaskDefinition<D>,
    private readonly pool: readonly D[],
    private readonly shots: number,
    seed: number,
  ) {
    this.rng = new PythonRandom(seed);
  }

  /** The labelled examples that precede `doc`'s prompt ('' for zero shots). */
  prefix(doc: D): string {
    if (this.shots === 0) return '';
    // lm-eval compares documents as dicts: equal content counts as the same document.
    const key = JSON.stringify(doc);
    return this.rng
      .sample(this.pool, this.shots)
      .filter((x) => x !== doc && JSON.stringify(x) !== key)
      .map((x) => this.task.fewshotExample(x))
      .join('');
  }
}
