// The "hubspot" provider kind's entry: a private-app token (as an ${ENV} reference) and little else.
import { z } from 'zod';
import { baseConfig, entrySchema, expandEnv, parseEntry } from './provider-entry.ts';
import type { EntryContext, ProviderBase } from './provider-entry.ts';

const httpUrl = z
  .string()
  .refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), 'must be an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));

const hubspotEntrySchema = entrySchema({
  /** The private app's access token: "${HUBSPOT_TOKEN}", so the secret stays in the environment. */
  token: z.string().min(1),
  /** HubSpot's API; a test points it at the local fake. */
  apiUrl: httpUrl.default('https://api.hubapi.com'),
  /** HubSpot's web app, for record links. */
  appUrl: httpUrl.default('https://app.hubspot.com'),
  /** The account (hub) id in record links; read once from /account-info/v3/details when not given. */
  portalId: z.number().int().positive().optional(),
  /** Log calls as calls engagements on the matched contact (default true). */
  logCalls: z.boolean().default(true),
  /** One request's time limit; a lookup makes a few (search, then company, owner, tickets at once). */
  timeoutMs: z.number().int().min(10).max(60_000).default(3000),
});

export interface HubSpotConfig extends ProviderBase<'hubspot'> {
  readonly token: string;
  readonly apiUrl: string;
  readonly appUrl: string;
  readonly portalId: number | null;
  readonly logCalls: boolean;
  readonly timeoutMs: number;
}

export function parseHubSpotEntry(entry: unknown, ctx: EntryContext): HubSpotConfig | null {
  const p = parseEntry(hubspotEntrySchema, entry, ctx);
  if (p === null) {
    return null;
  }
  const token = expandEnv(p.token, 'token', ctx);
  if (token === p.token && !p.token.includes('${')) {
    // A token written into the JSON ends up in shell history and process listings: ask for a reference.
    ctx.problems.push(
      `${ctx.where}.token: reference the token from the environment, e.g. "\${HUBSPOT_TOKEN}"`,
    );
  }
  return {
    ...baseConfig('hubspot', p, ctx),
    token,
    apiUrl: p.apiUrl,
    appUrl: p.appUrl,
    portalId: p.portalId ?? null,
    logCalls: p.logCalls,
    timeoutMs: p.timeoutMs,
  };
}
