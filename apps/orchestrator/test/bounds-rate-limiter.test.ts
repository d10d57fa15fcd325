import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MutationRateLimiter } from '../src/bounds/mutation-rate-limiter';

// The token bucket's arithmetic, on a clock the test holds: a burst, the refill, the wait it names.
const limiter = () => new MutationRateLimiter({ COHORT_MUTATION_BURST: 2, COHORT_MUTATIONS_PER_MINUTE: 6 });

test('a full bucket lets a burst through, then names the seconds until the next mutation', () => {
  const bucket = limiter();
  assert.deepEqual([bucket.take('a', 0), bucket.take('a', 0)], [0, 0]);
  assert.equal(bucket.take('a', 0), 10, 'one mutation every 10 s');
  assert.equal(bucket.take('a', 4_000), 6, 'a refused call spends nothing, and the wait shrinks as the bucket fills');
  assert.equal(bucket.take('a', 10_000), 0);
  assert.equal(bucket.take('b', 10_000), 0, 'each token has its own bucket');
});

test('an idle token refills up to its burst, no further', () => {
  const bucket = limiter();
  bucket.take('a', 0);
  bucket.take('a', 0);
  assert.deepEqual([0, 0, 0].map(() => bucket.take('a', 3_600_000)), [0, 0, 10]);
});
