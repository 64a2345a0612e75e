// The port every lookup provider implements (HTTP today; anything that finds contacts by number).
import type { Contact } from './types.ts';

/** The caller's number in the formats a provider's URL template can use. */
export interface ProviderNumber {
  readonly e164: string;
  readonly national: string | null;
  readonly raw: string;
}

export interface LookupProvider {
  readonly name: string;
  /** Lower first among provider matches. */
  readonly priority: number;
  /** How long an answer is fresh, and how long after that it may still be shown while refreshed. */
  readonly cacheTtlMs: number;
  readonly staleMs: number;
  /** Contacts for the number (empty when none); rejects with ProviderError on any failure. */
  find(number: ProviderNumber, signal: AbortSignal): Promise<Contact[]>;
}

/** A provider failure with a message fit for logs and the call trace (never a secret, never a body dump). */
export class ProviderError extends Error {
  constructor(
    readonly provider: string,
    message: string,
    /** Whether asking again later may succeed (the CRM rate-limited us, or failed on its side). */
    readonly retryable = false,
    /** Seconds the CRM asked to wait (Retry-After), when it said. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
