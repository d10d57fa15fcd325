import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { CohortTokenizer, formatBatch, openRunOrder, renderBatchView } from '@cohort/data';
import { createLineageClient } from '@cohort/lineage';

export const BATCH_USAGE = `  cohort batch --run <run-id> --step S [--micro M]
      exactly the tokens (ids and text) a run saw at step S (Pythia's batch viewer),
      transformed for intervention runs; reads lineage from DATABASE_URL
  cohort batch --dataset <prefix> --order <dir> --step S [--tokenizer <tokenizer.json>] [--micro M --micro-size N]
      the same for any data order on disk (the tokenizer defaults to tokenizer.json beside the
      dataset, where Cohort's data preparation writes it)`;

/** `cohort batch`: the batch viewer, for a run (via lineage) or for an order on disk. */
export async function batchCommand(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      run: { type: 'string' },
      order: { type: 'string' },
      dataset: { type: 'string' },
      tokenizer: { type: 'string' },
      step: { type: 'string' },
      micro: { type: 'string' },
      'micro-size': { type: 'string' },
    },
    strict: true,
  });
  const step = Number(values.step);
  if (values.step === undefined || !Number.isInteger(step) || step < 0) throw new Error('--step must be a non-negative integer');
  const micro = values.micro === undefined ? undefined : Number(values.micro);

  if (values.run) {
    const db = createLineageClient(process.env.DATABASE_URL ?? 'postgresql://cohort:cohort@127.0.0.1:5432/cohort');
    try {
      const run = await db.run.findUnique({
        where: { id: values.run },
        include: { dataOrder: { include: { dataset: { include: { tokenizer: true } } } } },
      });
      if (!run?.dataOrder) throw new Error(`run ${values.run} not found, or its data is not prepared yet`);
      const tokenizer = CohortTokenizer.load(run.dataOrder.dataset.tokenizer.uri);
      const order = openRunOrder({
        orderDir: run.dataOrder.uri,
        transform:
          run.transform && run.branchStep !== null
            ? { name: run.transform, fromStep: run.branchStep, tokenizer }
            : undefined,
      });
      const microSize = (run.training as { microBatch?: number }).microBatch;
      return renderBatchView(await formatBatch({ order, tokenizer, step, micro, microBatchSize: microSize }));
    } finally {
      await db.$disconnect();
    }
  }
  if (!values.order) throw new Error('give --run, or --order (with --dataset and/or --tokenizer)');
  const tokenizerPath = values.tokenizer ?? (values.dataset ? join(dirname(values.dataset), 'tokenizer.json') : undefined);
  if (!tokenizerPath) throw new Error('give --tokenizer, or --dataset with a tokenizer.json beside it');
  const tokenizer = CohortTokenizer.load(tokenizerPath);
  const order = openRunOrder({ orderDir: values.order, dataset: values.dataset });
  const microBatchSize = values['micro-size'] === undefined ? undefined : Number(values['micro-size']);
  return renderBatchView(await formatBatch({ order, tokenizer, step, micro, microBatchSize }));
}
