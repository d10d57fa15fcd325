import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { recordAuditEvent, type AuditEntry, type LineageClient, type LineageWriter } from '@cohort/lineage';
import { canonicalJson } from '@cohort/suite-spec';
import { LINEAGE } from '../lineage/lineage.module';
import type { Caller } from '../auth/caller';
import type { AuditSpec } from './audited.decorator';

/** The audit row of the call in progress, until it is written. */
interface AuditScope {
  entry: Omit<AuditEntry, 'result' | 'error'>;
  /** Set once the row went into the change's own transaction. */
  rowId?: string;
}

/** An error message is evidence, not a dump: long ones are cut. */
const MAX_ERROR_CHARS = 2000;

/**
 * The audit trail. A call's row is written in its change's transaction when the change has one
 * (`recordWithin`), else once the call has ended; either way exactly one row per call.
 */
@Injectable()
export class AuditService {
  private readonly scopes = new AsyncLocalStorage<AuditScope>();
  private readonly logger = new Logger('audit');

  constructor(@Inject(LINEAGE) private readonly db: LineageClient) {}

  /** Runs an audited call; its row is written whatever the outcome, then the outcome passes on. */
  async run<T>(spec: AuditSpec, caller: Caller, params: Record<string, unknown>, call: () => Promise<T>): Promise<T> {
    const named = (key: string) => (typeof params[key] === 'string' ? (params[key] as string) : undefined);
    const scope: AuditScope = {
      entry: {
        tokenId: caller.id,
        tokenName: caller.name,
        role: caller.role,
        action: spec.action.replace(':action', named('action') ?? 'unknown'),
        targetKind: spec.targetKind,
        targetId: named('id') ?? named('suiteId') ?? null,
        paramsSha256: createHash('sha256').update(canonicalJson(params)).digest('hex'),
      },
    };
    let result: T;
    try {
      result = await this.scopes.run(scope, call);
    } catch (err) {
      await this.finish(scope, err as Error);
      throw err;
    }
    const createdId = (result as { id?: unknown } | undefined)?.id;
    if (scope.entry.targetId === null && typeof createdId === 'string') scope.entry.targetId = createdId;
    await this.finish(scope);
    return result;
  }

  /** Inside the transaction of the current call's change: its row commits or rolls back with it. */
  async recordWithin(tx: LineageWriter, targetId: string): Promise<void> {
    const scope = this.scopes.getStore();
    if (!scope) throw new Error('recordWithin outside an audited call');
    scope.entry.targetId = targetId;
    scope.rowId = await recordAuditEvent(tx, { ...scope.entry, result: 'ok', error: null });
  }

  private async finish(scope: AuditScope, error?: Error): Promise<void> {
    try {
      // A row written in the change's transaction stands if that committed: the change happened,
      // whatever failed after it (reading the result back, say).
      if (scope.rowId && (!error || (await this.db.auditEvent.count({ where: { id: scope.rowId } })) > 0)) return;
      await recordAuditEvent(this.db, {
        ...scope.entry,
        result: error ? 'error' : 'ok',
        error: error ? error.message.slice(0, MAX_ERROR_CHARS) : null,
      });
    } catch (err) {
      // The call's own outcome stands; an unwritable trail is loud in the log (which has no secrets).
      this.logger.error(`could not record ${scope.entry.action} by token ${scope.entry.tokenId}: ${(err as Error).message}`);
    }
  }
}
