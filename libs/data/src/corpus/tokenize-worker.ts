// Worker thread: encodes batches of documents with one tokenizer instance and sends the ids back
// as one transferable buffer per batch (no per-document structured cloning).
import { parentPort, workerData } from 'node:worker_threads';
import { CohortTokenizer } from '../tokenizer/tokenizer';

export interface EncodeRequest {
  seq: number;
  texts: string[];
}

export interface EncodeReply {
  seq: number;
  lengths: Int32Array;
  ids: Int32Array;
  error?: string;
}

const tokenizer = CohortTokenizer.load((workerData as { tokenizerPath: string }).tokenizerPath);

// Messages are handled one after another: an async handler per message would let a `close` run
// while an earlier batch still awaits the native encoder, and exiting then aborts the process.
let queue: Promise<void> = Promise.resolve();
parentPort!.on('message', (msg: EncodeRequest | { close: true }) => {
  queue = queue.then(() => handle(msg));
});

async function handle(msg: EncodeRequest | { close: true }): Promise<void> {
  // Exiting on request rather than being terminated: terminate() during a native call aborts the process.
  if ('close' in msg) {
    parentPort!.close();
    return;
  }
  const { seq, texts } = msg;
  try {
    const encoded: number[][] = [];
    for (const text of texts) encoded.push(await tokenizer.encode(text));
    const lengths = Int32Array.from(encoded, (e) => e.length);
    const ids = new Int32Array(lengths.reduce((a, b) => a + b, 0));
    let at = 0;
    for (const e of encoded) {
      ids.set(e, at);
      at += e.length;
    }
    const reply: EncodeReply = { seq, lengths, ids };
    parentPort!.postMessage(reply, [lengths.buffer, ids.buffer]);
  } catch (err) {
    parentPort!.postMessage({ seq, lengths: new Int32Array(0), ids: new Int32Array(0), error: (err as Error).message });
  }
}
