import assert from 'node:assert/strict';
import { test } from 'node:test';
import { biasChart, memorizationByGroupChart, poissonQqChart, stabilityChart, termFrequencyChart } from '../src/charts';
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
