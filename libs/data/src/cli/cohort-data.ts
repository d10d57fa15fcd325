// Hand-testing CLI for the data library (the product CLI is `cohort` in apps/orchestrator):
//   node dist/src/cli/cohort-data.js train-tokenizer --corpus P [--corpus P…] --vocab N --out tokenizer.json
//   node dist/src/cli/cohort-data.js build-dataset --corpus P --tokenizer T --prefix OUT [--text-field F]
//   node dist/src/cli/cohort-data.js build-order --dataset PREFIX --out DIR --seq S --batch B --seed N --samples N [--mode cohort|neox|preshuffled]
//   node dist/src/cli/cohort-data.js batch --order DIR --tokenizer T --step S [--micro M --micro-size K] [--dataset PREFIX] [--json]
//   node dist/src/cli/cohort-data.js synth --out DIR --seed N --docs N   (grammar background + all three phenomena)
//   node dist/src/cli/cohort-data.js dedup --dataset PREFIX --tokenizer T --out PREFIX [--threshold 0.87]
// Every command prints one JSON result (or the batch view) on stdout.
import { parseArgs } from 'node:util';
import { formatBatch, renderBatchView } from '../batch-view';
import { buildTokenDataset } from '../corpus/build-dataset';
import { dedupDataset } from '../dedup/dedup';
import { generateSyntheticCorpus } from '../synthetic/generate';
import { buildDataOrder, type OrderMode } from '../order/build-order';
import { openDataOrder } from '../order/data-order';
import { CohortTokenizer, trainTokenizer } from '../tokenizer/tokenizer';

const int = (v: string | undefined, name: string): number => {
  const n = Number(v);
  if (v === undefined || !Number.isInteger(n)) throw new Error(`--${name} must be an integer`);
  return n;
};
const req = (v: string | undefined, name: string): string => {
  if (!v) throw new Error(`--${name} is required`);
  return v;
};

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values: a } = parseArgs({
    args: rest,
    options: {
      corpus: { type: 'string', multiple: true }, vocab: { type: 'string' }, out: { type: 'string' },
      tokenizer: { type: 'string' }, prefix: { type: 'string' }, 'text-field': { type: 'string' },
      dataset: { type: 'string' }, seq: { type: 'string' }, batch: { type: 'string' }, seed: { type: 'string' },
      samples: { type: 'string' }, mode: { type: 'string' }, order: { type: 'string' }, step: { type: 'string' },
      micro: { type: 'string' }, 'micro-size': { type: 'string' }, json: { type: 'boolean' },
      docs: { type: 'string' }, threshold: { type: 'string' },
    },
  });
  const print = (v: unknown): void => {
    process.stdout.write(JSON.stringify(v, null, 2) + '\n');
  };
  switch (command) {
    case 'train-tokenizer':
      return print(await trainTokenizer({ corpus: { paths: a.corpus ?? [] }, vocabSize: int(a.vocab, 'vocab'), outPath: req(a.out, 'out') }));
    case 'build-dataset':
      return print(await buildTokenDataset({
        corpus: { paths: a.corpus ?? [], textField: a['text-field'] }, tokenizerPath: req(a.tokenizer, 'tokenizer'), prefix: req(a.prefix, 'prefix'),
      }));
    case 'build-order':
      return print(buildDataOrder({
        dataset: req(a.dataset, 'dataset'), outDir: req(a.out, 'out'), seqLength: int(a.seq, 'seq'), globalBatch: int(a.batch, 'batch'),
        seed: int(a.seed, 'seed'), numSamples: int(a.samples, 'samples'), mode: (a.mode ?? 'cohort') as OrderMode,
      }));
    case 'batch': {
      const order = openDataOrder(req(a.order, 'order'), { dataset: a.dataset });
      try {
        const view = await formatBatch({
          order, tokenizer: CohortTokenizer.load(req(a.tokenizer, 'tokenizer')), step: int(a.step, 'step'),
          micro: a.micro === undefined ? undefined : int(a.micro, 'micro'),
          microBatchSize: a['micro-size'] === undefined ? undefined : int(a['micro-size'], 'micro-size'),
        });
        if (a.json) print(view);
        else process.stdout.write(renderBatchView(view));
      } finally {
        order.close();
      }
      return;
    }
    case 'synth':
      return print(generateSyntheticCorpus({
        outDir: req(a.out, 'out'), seed: int(a.seed, 'seed'), documents: int(a.docs, 'docs'),
        repeated: { perCount: 4, counts: [1, 4, 16, 64] }, arithmetic: { facts: 5000 }, pronouns: { sentences: 2000 },
      }));
    case 'dedup': {
      const report = dedupDataset({
        dataset: req(a.dataset, 'dataset'), tokenizer: CohortTokenizer.load(req(a.tokenizer, 'tokenizer')), outPrefix: req(a.out, 'out'),
        threshold: a.threshold === undefined ? undefined : Number(a.threshold),
      });
      return print({ ...report, clusters: report.clusters.length });
    }
    default:
      throw new Error(`unknown command '${command ?? ''}' (train-tokenizer, build-dataset, build-order, batch, synth, dedup)`);
  }
}

main(process.argv.slice(2)).catch((err: Error) => {
  process.stderr.write(`error: ${err.message}\n`);
  process.exit(1);
});
