import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GPTNeoX, Trainer } from '../src';
import { batchAt, sha256, TINY, TINY_OPT } from './tiny';

describe('async calls (worker thread)', () => {
  it('trainStepAsync gives the same bytes as trainStep and keeps the event loop running', async () => {
    const a = GPTNeoX.create(TINY, { seed: 4, threads: 2 });
    const b = GPTNeoX.create(TINY, { seed: 4, threads: 2 });
    const ta = new Trainer(a, TINY_OPT), tb = new Trainer(b, TINY_OPT);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    for (let i = 0; i < 3; i++) {
      const [ra, rb] = [ta.trainStep([batchAt(i, 8, 64)]), await tb.trainStepAsync([batchAt(i, 8, 64)])];
      assert.equal(ra.loss, rb.loss);
    }
    clearInterval(timer);
    assert.equal(sha256(a.getWeights()), sha256(b.getWeights()));
    assert.ok(ticks > 0, 'timers fired while the engine worked');
  });

  it('a second call while one is running is refused, not raced', async () => {
    const m = GPTNeoX.create(TINY, { seed: 4, threads: 2 });
    const mb = batchAt(0);
    const pending = m.forwardAsync(mb.ids, 4, 32);
    assert.throws(() => m.forward(mb.ids, 4, 32), /engine is busy with an async call/);
    assert.deepEqual(await pending, m.forward(mb.ids, 4, 32));
  });

  it('generateAsync / logLikelihoodAsync equal their sync forms; errors reject', async () => {
    const m = GPTNeoX.create(TINY, { seed: 4, threads: 2 });
    assert.deepEqual(await m.generateAsync([[1, 2, 3]], 4), m.generate([[1, 2, 3]], 4));
    const pairs = [{ context: [1, 2], continuation: [3, 4] }];
    assert.deepEqual(await m.logLikelihoodAsync(pairs), m.logLikelihood(pairs));
    await assert.rejects(m.forwardAsync(Int32Array.from([999]), 1, 1), /token id 999/);
  });
});
