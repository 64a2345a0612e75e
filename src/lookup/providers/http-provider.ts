// An HTTP JSON API (a CRM) as a lookup provider: URL template → GET → field mapping → contacts.
import type { Clock } from '../../calls/ports.ts';
import { mapResponse } from './provider-mapping.ts';
import type { HttpProviderConfig } from './http-config.ts';
import { ProviderError } from '../provider.ts';
import type { LookupProvider, ProviderNumber } from '../provider.ts';

/** A CRM answer bigger than this is a misconfiguration (or hostile), not a contact. */
const MAX_BODY_BYTES = 1_000_000;

/** Fills {e164} {e164_digits} {national} {raw}, each URL-encoded. */
export function fillUrl(template: string, n: ProviderNumber): string {
  const values: Record<string, string> = {
    e164: n.e164,
    e164_digits: n.e164.replace(/^\+/, ''),
    national: n.national ?? n.e164.replace(/^\+/, ''),
    raw: n.raw,
  };
  return template.replace(/\{(e164|e164_digits|national|raw)\}/g, (_, key: string) =>
    encodeURIComponent(values[key] ?? ''),
  );
}

async function readCapped(response: Response, provider: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) {
    await response.body?.cancel();
    throw new ProviderError(provider, `response too large (${declared} bytes)`);
  }
  if (response.body === null) {
    return '';
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) {
      throw new ProviderError(provider, `response too large (over ${MAX_BODY_BYTES} bytes)`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function describe(error: unknown, timeoutMs: number): string {
  if (error instanceof ProviderError) {
    return error.message;
  }
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `timed out after ${timeoutMs} ms`;
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return 'cancelled';
  }
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : null;
  return `request failed${cause === null ? '' : ` (${cause})`}`;
}

export function createHttpProvider(config: HttpProviderConfig, clock: Clock): LookupProvider {
  async function request(n: ProviderNumber, signal: AbortSignal): Promise<unknown> {
    const response = await fetch(fillUrl(config.url, n), {
      headers: { accept: 'application/json', ...config.headers },
      signal,
      redirect: 'error',
    });
    if (response.status === 404) {
      await response.body?.cancel();
      return null; // many CRMs answer "no such number" with a 404
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new ProviderError(config.name, `HTTP ${response.status}`);
    }
    const text = await readCapped(response, config.name);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ProviderError(config.name, 'malformed JSON');
    }
  }

  return {
    name: config.name,
    priority: config.priority,
    cacheTtlMs: config.cacheTtlMs,
    staleMs: config.staleMs,
    async find(n, signal) {
      const timeout = AbortSignal.timeout(config.timeoutMs);
      try {
        const body = await request(n, AbortSignal.any([signal, timeout]));
        if (body === null) {
          return [];
        }
        const ctx = { provider: config.name, e164: n.e164, raw: n.raw, now: clock.now() };
        return mapResponse(body, config, ctx);
      } catch (error) {
        throw new ProviderError(
          config.name,
          describe(timeout.aborted ? timeout.reason : error, config.timeoutMs),
        );
      }
    },
  };
}
