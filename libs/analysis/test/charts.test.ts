import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  biasChart,
  evaluationCurveChart,
  lossCurveChart,
  memorizationByGroupChart,
  poissonQqChart,
  stabilityChart,
  termFrequencyChart,
} from '../src/charts';
import { renderPng, renderSvg } from '../src/render';

const memorization = memorizationByGroupChart(
  [
    { model: 'pythia-70m', group: 1, rate: 0.01, sequences: 512 },
    { model: 'pythia-70m', group: 10, rate: 0.2, sequences: 512 },
    { model: 'pythia-160m', group: 1, rate: 0.02, sequences: 512 },
    { model: 'pythia-160m', group: 10, rate: 0.45, sequences: 512 },
  ],
  'Memorization by planted repetitions',
);
const qq = poissonQqChart(
  [
    { series: 'final', theoretical: 1, sample: 0 },
    { series: 'final', theoretical: 1, sample: 0 },
    { series: 'final', theoretical: 2, sample: 2 },
    { series: 'final', theoretical: 3, sample: 7 },
  ],
  'Memorized sequences per bin vs Poisson',
);
const termFrequency = termFrequencyChart(
  [
    { checkpoint: 'step 13000', lo: 1e5, hi: 1e6, n: 10, accuracy: 0.2 },
    { checkpoint: 'step 13000', lo: 1e6, hi: 1e7, n: 0, accuracy: NaN },
    { checkpoint: 'step 143000', lo: 1e5, hi: 1e6, n: 10, accuracy: 0.5 },
    { checkpoint: 'step 143000', lo: 1e6, hi: 1e7, n: 4, accuracy: 0.75 },
  ],
  'Accuracy vs term frequency',
);
const bias = biasChart(
  [
    { run: 'base', step: 0, value: 0.6 },
    { run: 'base', step: 1000, value: 0.55 },
    { run: 'swap', step: 0, value: 0.6 },
    { run: 'swap', step: 1000, value: 0.4 },
  ],
  'WinoBias gap after the pronoun swap',
  'gap',
);
const stability = stabilityChart(
  [
    { model: '70m', run: 's1', step: 0, value: 1 },
    { model: '70m', run: 's2', step: 0, value: 3 },
    { model: '70m', run: 's1', step: 10, value: 4 },
    { model: '70m', run: 's2', step: 10, value: 6 },
  ],
  'Loss across seeds',
  'loss',
);

const values = (spec: any, layer?: number) => (layer === undefined ? spec.data.values : spec.layer[layer].data.values);

test('chart specs are Vega-Lite v6 with the data inlined and summarised as documented', () => {
  for (const spec of [memorization, qq, termFrequency, bias, stability] as any[]) {
    assert.equal(spec.$schema, 'https://vega.github.io/schema/vega-lite/v6.json');
    JSON.parse(JSON.stringify(spec)); // plain JSON
  }
  assert.equal(values(memorization).length, 4);
  assert.deepEqual((memorization as any).encoding.xOffset, { field: 'model' });
  // Q–Q: the repeated point is drawn once with bins = 2; the y = x line spans 0…7.
  assert.deepEqual(values(qq, 1), [
    { series: 'final', theoretical: 1, sample: 0, bins: 2 },
    { series: 'final', theoretical: 2, sample: 2, bins: 1 },
    { series: 'final', theoretical: 3, sample: 7, bins: 1 },
  ]);
  assert.deepEqual(values(qq, 0), [{ theoretical: 0, sample: 0 }, { theoretical: 7, sample: 7 }]);
  // Term frequency: the empty bin is left out, each bin sits at its geometric middle.
  assert.deepEqual(values(termFrequency).map((r: any) => [r.checkpoint, r.frequency]), [
    ['step 13000', Math.sqrt(1e11)],
    ['step 143000', Math.sqrt(1e11)],
    ['step 143000', Math.sqrt(1e13)],
  ]);
  assert.equal((termFrequency as any).encoding.x.scale.type, 'log');
  assert.equal((bias as any).encoding.y.title, 'gap');
  // Stability: mean line inside the min–max envelope, per model and step.
  assert.deepEqual(values(stability), [
    { model: '70m', step: 0, seeds: 2, mean: 2, min: 1, max: 3 },
    { model: '70m', step: 10, seeds: 2, mean: 5, min: 4, max: 6 },
  ]);
});

/** Every opened tag is closed in order: enough of well-formedness to catch a broken renderer. */
function assertBalancedTags(svg: string): void {
  const open: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([A-Za-z][\w:-]*)[^>]*?(\/?)>/g)) {
    if (closing) assert.equal(open.pop(), name, `</${name}> closes <${open.at(-1)}>`);
    else if (!selfClosing) open.push(name);
  }
  assert.deepEqual(open, []);
}

test('every chart renders to an SVG with its title and to a PNG of the SVG’s size', async () => {
  for (const spec of [memorization, qq, termFrequency, bias, stability]) {
    const svg = await renderSvg(spec);
    assert.match(svg, /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    assertBalancedTags(svg);
    assert.ok(svg.includes(`>${(spec as any).title}</text>`), `title ${(spec as any).title} in the SVG`);
    const width = Number(/width="(\d+)"/.exec(svg)![1]);
    const height = Number(/height="(\d+)"/.exec(svg)![1]);
    assert.ok(width > 480 && width < 900 && height > 300 && height < 700, `${width}×${height}`);

    const png = renderPng(svg);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.toString('ascii', 12, 16), 'IHDR');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [width, height]);
    assert.ok(png.length > 5_000 && png.length < 500_000, `${png.length} bytes`);
  }
});

// Two seeds of one model on the standard data, the deduplicated variant, and an intervention
// branched from seed 1: four lines, three dashes, two colours.
const curveRuns = [
  { run: 'tiny-standard-seed1', model: 'tiny', variant: 'standard' },
  { run: 'tiny-standard-seed2', model: 'tiny', variant: 'standard' },
  { run: 'small-deduplicated-seed1', model: 'small', variant: 'deduplicated' },
  { run: 'tiny-swap21-standard-seed1', model: 'tiny', variant: 'standard', intervention: 'pronoun-swap' },
];
const lossRows = curveRuns.flatMap((r, i) => [0, 1, 2].map((step) => ({ ...r, runId: `id-${i}`, step, loss: 8 - step - i / 10 })));
const evaluationRows = curveRuns.flatMap((r, i) =>
  [0, 100].map((step) => ({ ...r, evaluationId: `e-${i}-${step}`, step, tokens: step * 512, value: 0.25 + step / 1000 })),
);

test('curve charts: colour by model, dash by variant or intervention (plain data first), one line per run', () => {
  const loss = lossCurveChart(lossRows, { logSteps: false }) as any;
  JSON.parse(JSON.stringify(loss));
  assert.equal(loss.$schema, 'https://vega.github.io/schema/vega-lite/v6.json');
  assert.deepEqual(loss.encoding.color, { field: 'model', type: 'nominal', title: 'model' });
  assert.deepEqual(loss.encoding.strokeDash.scale.domain, ['standard', 'deduplicated', 'standard + pronoun-swap']);
  assert.deepEqual(loss.encoding.detail, { field: 'run' });
  assert.equal(loss.data.values.length, 12);
  // Fields the caller adds (here the run id the dashboard opens on click) stay in each datum.
  assert.deepEqual(loss.data.values[9], {
    run: 'tiny-swap21-standard-seed1',
    model: 'tiny',
    variant: 'standard',
    runId: 'id-3',
    step: 0,
    loss: 7.7,
    data: 'standard + pronoun-swap',
  });
  const logged = lossCurveChart(lossRows, { logSteps: true }) as any;
  assert.equal(logged.encoding.x.scale.type, 'log');
  assert.deepEqual([...new Set(logged.data.values.map((r: any) => r.step))], [1, 2], 'step 0 has no place on a log axis');

  const byStep = evaluationCurveChart(evaluationRows, { x: 'step', metric: 'acc' }) as any;
  const byTokens = evaluationCurveChart(evaluationRows, { x: 'tokens', metric: 'acc' }) as any;
  assert.equal(byStep.encoding.x.field, 'step');
  assert.deepEqual(byTokens.encoding.x, { field: 'tokens', type: 'quantitative', title: 'tokens seen', axis: { format: '.2s' } });
  assert.equal(byStep.encoding.y.title, 'acc');
  assert.deepEqual(byStep.layer.map((l: any) => l.mark.type), ['line', 'point']);
  assert.deepEqual(byStep.layer[0].encoding.strokeDash.scale.domain, ['standard', 'deduplicated', 'standard + pronoun-swap']);
  assert.deepEqual(Object.keys(byStep.data.values[0]).sort(), ['data', 'evaluationId', 'model', 'run', 'step', 'tokens', 'value', 'variant']);
});

test('curve charts render one line path per run and one point per evaluation', async () => {
  /** The paths inside the SVG groups of a mark type (vega draws each series of a line in a group of its own). */
  const pathsOf = (svg: string, mark: string) =>
    svg
      .split(`class="mark-${mark} role-mark`)
      .slice(1)
      .reduce((n, group) => n + group.slice(0, group.indexOf('</g>')).split('<path').length - 1, 0);
  const loss = await renderSvg(lossCurveChart(lossRows, { logSteps: true }));
  assert.equal(pathsOf(loss, 'line'), 4);
  assert.equal(pathsOf(loss, 'symbol'), 0);
  const evaluation = await renderSvg(evaluationCurveChart(evaluationRows, { x: 'tokens', metric: 'acc' }));
  assert.equal(pathsOf(evaluation, 'line'), 4);
  assert.equal(pathsOf(evaluation, 'symbol'), 8);
});
