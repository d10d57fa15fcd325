import { SetMetadata } from '@nestjs/common';

/** What an audited call does, and to what kind of thing. */
export interface AuditSpec {
  /** e.g. `suite.launch`; `:action` stands for the call's own `action` parameter (`suite.pause`). */
  action: string;
  targetKind: 'suite' | 'run' | 'token';
}

export const AUDIT_METADATA = 'cohort:audit';

/** Every call of this handler leaves one audit row, ok or with its error. Every mutation has one. */
export const Audited = (action: AuditSpec['action'], targetKind: AuditSpec['targetKind']) =>
  SetMetadata(AUDIT_METADATA, { action, targetKind } satisfies AuditSpec);
