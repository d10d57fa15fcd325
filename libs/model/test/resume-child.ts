// Child process for the resume test: loads a checkpoint, trains to step N, prints weight/moment hashes.
import { loadCheckpoint } from '../src/checkpoint';
import { batchAt, sha256 } from './tiny';

const [dir, target] = process.argv.slice(2);
const { model, trainer } = loadCheckpoint(dir, { threads: 2 });
if (!trainer) throw new Error('checkpoint has no training state');
while (trainer.step < Number(target)) trainer.trainStep([batchAt(trainer.step)]);
const { m, v } = model.engine.getOptState();
process.stdout.write(JSON.stringify({ weights: sha256(model.getWeights()), m: sha256(m), v: sha256(v), step: trainer.step }) + '\n');
