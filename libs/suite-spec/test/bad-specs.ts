/**
 * Invalid suite specs and the field path each must be rejected at: the table both the validator's
 * unit test and the API's end-to-end test (no workflow started) run through.
 */
export const minimal = {
  name: 'tiny',
  corpus: { kind: 'synthetic' },
  steps: 16,
  models: [{ preset: 'cpu-tiny' }],
};

export const badSpecs: Array<[label: string, spec: unknown, path: string]> = [
  ['not an object', 42, ''],
  ['missing name', { ...minimal, name: undefined }, 'name'],
  ['bad name characters', { ...minimal, name: 'a b' }, 'name'],
  ['steps not a number', { ...minimal, steps: 'ten' }, 'steps'],
  ['zero steps', { ...minimal, steps: 0 }, 'steps'],
  ['no models', { ...minimal, models: [] }, 'models'],
  ['model without preset', { ...minimal, models: [{ name: 'a' }] }, 'models[0].preset'],
  ['unknown corpus kind', { ...minimal, corpus: { kind: 'web' } }, 'corpus.kind'],
  ['files corpus without paths', { ...minimal, corpus: { kind: 'files', paths: [] } }, 'corpus.paths'],
  ['tiny vocabulary', { ...minimal, tokenizer: { kind: 'train', vocabSize: 10 } }, 'tokenizer.vocabSize'],
  ['micro batch not dividing', { ...minimal, globalBatch: 8, microBatch: 3 }, 'microBatch'],
  ['checkpoint beyond the end', { ...minimal, checkpoints: { kind: 'list', steps: [0, 99] } }, 'checkpoints.steps[1]'],
  ['unknown variant', { ...minimal, variants: ['shuffled'] }, 'variants[0]'],
  ['repeated variant', { ...minimal, variants: ['standard', 'standard'] }, 'variants'],
  ['unknown field', { ...minimal, colour: 'red' }, ''],
  ['negative seed', { ...minimal, seed: -1 }, 'seed'],
  ['duplicate model names', { ...minimal, models: [{ preset: 'cpu-tiny' }, { preset: 'cpu-tiny' }] }, 'models[1].name'],
  ['unknown preset', { ...minimal, models: [{ preset: 'gpt-5' }] }, 'models[0].preset'],
  [
    'intervention on unknown parent',
    { ...minimal, interventions: [{ name: 'iv', parent: 'nope', transform: 'pronoun-swap', lastFraction: 0.07 }] },
    'interventions[0].parent',
  ],
  [
    'intervention fraction out of range',
    { ...minimal, interventions: [{ name: 'iv', parent: 'cpu-tiny', transform: 'pronoun-swap', lastFraction: 1.5 }] },
    'interventions[0].lastFraction',
  ],
  ['bands not dividing permutations', { ...minimal, dedup: { numPerm: 128, bands: 10 } }, 'dedup.bands'],
  ['unknown order mode', { ...minimal, orderMode: 'random' }, 'orderMode'],
  ['both steps and tokens', { ...minimal, tokens: 1000 }, 'steps'],
  ['neither steps nor tokens', { ...minimal, steps: undefined }, 'steps'],
  ['heads not dividing the width', { ...minimal, models: [{ preset: 'cpu-tiny', config: { numHeads: 3 } }] }, 'models[0].config'],
  ['unknown model config field', { ...minimal, models: [{ preset: 'cpu-tiny', config: { depth: 3 } }] }, 'models[0].config'],
  ['unknown LR schedule', { ...minimal, lrSchedule: { kind: 'linear' } }, 'lrSchedule.kind'],
  ['every-K schedule with K=0', { ...minimal, checkpoints: { kind: 'every', every: 0 } }, 'checkpoints.every'],
  ['unknown eval task', { ...minimal, evals: ['piqa', 'mmlu_astrology'] }, 'evals.tasks[1]'],
  ['eval limit of zero', { ...minimal, evals: { tasks: ['piqa'], limit: 0 } }, 'evals.limit'],
  ['negative task limit', { ...minimal, evals: { tasks: [{ task: 'piqa', limit: -3 }] } }, 'evals.tasks[0].limit'],
  ['negative shots', { ...minimal, evals: { tasks: ['piqa'], shots: -1 } }, 'evals.shots'],
  ['eval at a step with no checkpoint', { ...minimal, evals: { tasks: ['piqa'], checkpoints: { steps: [99] } } }, 'evals.checkpoints.steps[0]'],
  ['unknown eval checkpoint selection', { ...minimal, evals: { tasks: ['piqa'], checkpoints: 'some' } }, 'evals.checkpoints'],
  [
    'synthetic probe without the synthetic corpus',
    { ...minimal, corpus: { kind: 'files', paths: ['corpus.txt'] }, evals: ['synthetic_arithmetic'] },
    'evals.tasks[0]',
  ],
];
