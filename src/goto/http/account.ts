// Who the token is: its lines (GET /users/v1/lines) and the account key to subscribe to (goto-protocol.md §8).
import { z } from 'zod';
import type { GoToApi } from './rest-client.ts';

/** One line of the token's user, in our words. */
export interface GoToLine {
  readonly id: string;
  /** Extension number ("2101"), not a DID. */
  readonly extension: string | null;
  readonly name: string | null;
  /** The Realtime `entity.account` (organization id, not the account key). */
  readonly organizationId: string | null;
  readonly accountKey: string | null;
}

const linesSchema = z.object({
  items: z
    .array(
      z.object({
        id: z.string(),
        number: z.string().nullish(),
        name: z.string().nullish(),
        organization: z.object({ id: z.string().nullish() }).nullish(),
        accountKey: z.union([z.string(), z.number()]).nullish(),
      }),
    )
    .nullish(),
  nextPageMarker: z.string().nullish(),
});

const adminMeSchema = z.object({
  accountKey: z.union([z.string(), z.number()]).nullish(),
  accounts: z.array(z.object({ key: z.union([z.string(), z.number()]).nullish() })).nullish(),
});

/** Keys are digit strings, but one documentation example prints a bare number. */
const keyText = (key: string | number | null | undefined): string | null =>
  key == null ? null : String(key);

/** GET /users/v1/lines, following nextPageMarker if GoTo ever pages it (§2.1: paging unconfirmed). */
export async function listLines(api: GoToApi): Promise<GoToLine[]> {
  const lines: GoToLine[] = [];
  let marker: string | null = null;
  for (let page = 0; page < 50; page++) {
    const query: Record<string, string> = marker === null ? {} : { pageMarker: marker };
    const { body } = await api.request('GET', api.url('api', '/users/v1/lines', query), {
      schema: linesSchema,
    });
    for (const item of body.items ?? []) {
      lines.push({
        id: item.id,
        extension: item.number ?? null,
        name: item.name ?? null,
        organizationId: item.organization?.id ?? null,
        accountKey: keyText(item.accountKey),
      });
    }
    marker = body.nextPageMarker ?? null;
    if (marker === null) {
      break;
    }
  }
  return lines;
}

export class AccountKeyNotFoundError extends Error {
  constructor() {
    super(
      'no GoTo account key: the token has no lines with an accountKey and /admin/rest/v1/me names no account; ' +
        'set GOTO_ACCOUNT_KEY',
    );
    this.name = 'AccountKeyNotFoundError';
  }
}

/** config override → /users/v1/lines items[].accountKey → /admin/rest/v1/me (accountKey, accounts[].key). */
export async function discoverAccountKey(api: GoToApi, override: string | null): Promise<string> {
  if (override !== null) {
    return override;
  }
  const fromLines = (await listLines(api)).find((l) => l.accountKey !== null)?.accountKey;
  if (fromLines != null) {
    return fromLines;
  }
  const { body } = await api.request('GET', api.url('admin', '/admin/rest/v1/me'), { schema: adminMeSchema });
  const key = keyText(body.accountKey) ?? keyText(body.accounts?.find((a) => a.key != null)?.key);
  if (key === null) {
    throw new AccountKeyNotFoundError();
  }
  return key;
}
