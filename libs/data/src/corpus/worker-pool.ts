// A fixed pool of tokenizer workers fed in order: results are handed back in submission order,
// so the dataset's document order never depends on which worker finished first.
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EncodeReply } from './tokenize-worker';

export class EncodePool {
  private readonly workers: Worker[];
  private nextSeq = 0;
  private readonly waiting = new Map<number, { resolve: (r: EncodeReply) => void; reject: (e: Error) => void }>();
  private readonly exited = new Set<Worker>();

  constructor(tokenizerPath: string, size = os.availableParallelism()) {
    this.workers = Array.from({ length: Math.max(1, size) }, () => {
      const w = new Worker(path.join(__dirname, 'tokenize-worker.js'), { workerData: { tokenizerPath } });
      w.on('message', (reply: EncodeReply) => {
        const pending = this.waiting.get(reply.seq)!;
        this.waiting.delete(reply.seq);
        if (reply.error) pending.reject(new Error(reply.error));
        else pending.resolve(reply);
      });
      w.on('exit', () => this.exited.add(w));
      w.on('error', (err) => {
        for (const p of this.waiting.values()) p.reject(err);
        this.waiting.clear();
      });
      return w;
    });
  }

  get size(): number {
    return this.workers.length;
  }

  /** Encodes a batch on the next worker (round robin); resolves with that batch's ids. */
  encode(texts: string[]): Promise<EncodeReply> {
    const seq = this.nextSeq++;
    return new Promise((resolve, reject) => {
      this.waiting.set(seq, { resolve, reject });
      this.workers[seq % this.workers.length].postMessage({ seq, texts });
    });
  }

  /** Asks each worker to exit once idle (queued behind its pending work) and waits for it. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map((w) => new Promise<void>((resolve) => {
        if (this.exited.has(w)) return resolve();
        w.once('exit', () => resolve());
        w.postMessage({ close: true });
      })),
    );
  }
}
