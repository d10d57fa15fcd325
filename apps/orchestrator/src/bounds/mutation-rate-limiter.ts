import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config';

interface Bucket {
  /** Mutations the token may make right now (fractional while refilling). */
  allowance: number;
  /** When `allowance` was last brought up to date, in ms. */
  at: number;
}

/**
 * A token bucket per API token: `burst` mutations at once, refilled at `perMinute`. In memory, per
 * process: one bucket per token row is small, and a restart forgiving the last minute is harmless.
 */
@Injectable()
export class MutationRateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly burst: number;
  private readonly perMs: number;
  /** The limit in words, for refusals. */
  readonly policy: string;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'COHORT_MUTATIONS_PER_MINUTE' | 'COHORT_MUTATION_BURST'>) {
    this.burst = config.COHORT_MUTATION_BURST;
    this.perMs = config.COHORT_MUTATIONS_PER_MINUTE / 60_000;
    this.policy = `${this.burst} mutations at once, ${config.COHORT_MUTATIONS_PER_MINUTE} a minute per token`;
  }

  /** Takes one mutation from `tokenId`'s bucket: 0 if it may go ahead, else the whole seconds until it may. */
  take(tokenId: string, now = Date.now()): number {
    const bucket = this.buckets.get(tokenId) ?? { allowance: this.burst, at: now };
    bucket.allowance = Math.min(this.burst, bucket.allowance + (now - bucket.at) * this.perMs);
    bucket.at = now;
    this.buckets.set(tokenId, bucket);
    if (bucket.allowance >= 1) {
      bucket.allowance -= 1;
      return 0;
    }
    return Math.ceil((1 - bucket.allowance) / this.perMs / 1000);
  }
}
