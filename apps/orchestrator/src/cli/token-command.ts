import { parseArgs } from 'node:util';
import type { ApiTokenInfo } from '@cohort/lineage';
import type { ApiClient } from './api-client';

export const TOKEN_USAGE = `  cohort token create --name NAME --role viewer|operator|admin
      makes an API token (admin); prints it once: it is stored only as a hash
  cohort token list                          every token: id, role, name, created, last used, revoked
  cohort token revoke <token-id>`;

type Listed = Omit<ApiTokenInfo, 'createdAt' | 'lastUsedAt' | 'revokedAt'> & { createdAt: string; lastUsedAt: string | null; revokedAt: string | null };

const row = (t: Listed): string =>
  [t.id, t.role.padEnd(8), t.name, `created ${t.createdAt}`, `last used ${t.lastUsedAt ?? 'never'}`, t.revokedAt ? `REVOKED ${t.revokedAt}` : '']
    .filter(Boolean)
    .join('  ');

/** `cohort token create|list|revoke …`: the admin token routes. Returns what to print. */
export async function tokenCommand(api: ApiClient, args: string[]): Promise<string> {
  const [command, ...rest] = args;
  if (command === 'create') {
    const { values } = parseArgs({ args: rest, options: { name: { type: 'string' }, role: { type: 'string' } }, strict: true });
    if (!values.name || !values.role) throw new Error('cohort token create needs --name and --role (viewer, operator or admin)');
    const created = await api.request<Listed & { token: string }>('POST', '/tokens', { name: values.name, role: values.role });
    return `${created.token}\n\ntoken ${created.id} (${created.role}, "${created.name}"): keep it now, it is not shown again\n`;
  }
  if (command === 'list') return `${(await api.request<Listed[]>('GET', '/tokens')).map(row).join('\n')}\n`;
  if (command === 'revoke' && rest[0]) return `${row(await api.request<Listed>('POST', `/tokens/${encodeURIComponent(rest[0])}/revoke`))}\n`;
  throw new Error(`usage:\n${TOKEN_USAGE}`);
}
