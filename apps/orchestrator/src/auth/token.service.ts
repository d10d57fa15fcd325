import { Inject, Injectable } from '@nestjs/common';
import { findActiveApiToken, touchApiToken, type LineageClient } from '@cohort/lineage';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { callDependency } from '../common/dependency';
import { LINEAGE } from '../lineage/lineage.module';
import type { Caller } from './caller';

/** lastUsedAt is a hint for people listing tokens: one write a minute per token is plenty. */
const TOUCH_INTERVAL_MS = 60_000;

/** Turns a bearer token into its caller (null when unknown or revoked). */
@Injectable()
export class TokenService {
  private readonly touchedAt = new Map<string, number>();

  constructor(
    @Inject(LINEAGE) private readonly db: LineageClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async verify(token: string): Promise<Caller | null> {
    const caller = await callDependency('postgres', this.config.COHORT_DEPENDENCY_TIMEOUT_MS, () => findActiveApiToken(this.db, token));
    if (caller) this.touch(caller.id);
    return caller;
  }

  /** Not awaited: a request never waits for (or fails on) this bookkeeping. */
  private touch(id: string): void {
    const now = Date.now();
    if (now - (this.touchedAt.get(id) ?? 0) < TOUCH_INTERVAL_MS) return;
    this.touchedAt.set(id, now);
    touchApiToken(this.db, id, new Date(now)).catch(() => this.touchedAt.delete(id));
  }
}
