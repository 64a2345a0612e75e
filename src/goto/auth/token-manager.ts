// Keeps one GoTo principal's access token fresh: refresh ahead of expiry, once on a 401, "sign-in required" when dead.
import type { Logger } from 'pino';
import type { StoredTokens } from '../ports.ts';
import type { TokenVault } from './token-vault.ts';
import { OAuthError } from './oauth.ts';
import type { GoToOAuth } from './oauth.ts';

/** signed-out: no tokens yet; ready: usable; sign-in-required: the refresh token (or PAT) was refused. */
export type TokenStatus = 'signed-out' | 'ready' | 'sign-in-required';

/** Thrown by accessToken() when nobody is signed in or the grant died: an admin must sign in again. */
export class SignInRequiredError extends Error {
  constructor(readonly key: string) {
    super(`GoTo sign-in required for "${key}"`);
    this.name = 'SignInRequiredError';
  }
}

/** What the REST client needs from a token source. */
export interface AccessTokenSource {
  accessToken(): Promise<string>;
  /** The API refused `rejected` with 401: refresh once (shared by concurrent callers) and return the new token. */
  refreshAfterRejection(rejected: string): Promise<string>;
}

export interface TokenManagerSettings {
  /** Vault record name: "account" for the account-wide connection, or a principal's email. */
  readonly key: string;
  readonly vault: TokenVault;
  readonly oauth: GoToOAuth;
  readonly logger: Logger;
  /** For PAT-based tokens (no refresh token): how to get a new token, e.g. exchange the PAT again. */
  readonly reacquire?: () => Promise<StoredTokens>;
  readonly now?: () => number;
}

const ASSUMED_LIFETIME_MS = 3_600_000; // a resumed token's lifetime is unknown; GoTo issues 60-minute tokens
const REFRESH_WHEN_LEFT = 1 / 3; // like the official demos: refresh with a third of the lifetime left (§1.4)

export class TokenManager implements AccessTokenSource {
  #tokens: StoredTokens | null = null;
  #lifetimeMs = ASSUMED_LIFETIME_MS;
  #status: TokenStatus = 'signed-out';
  #refreshing: Promise<string> | null = null;
  readonly #listeners = new Set<(status: TokenStatus, reason: string) => void>();
  readonly #now: () => number;
  readonly #log: Logger;

  private constructor(private readonly settings: TokenManagerSettings) {
    this.#now = settings.now ?? Date.now;
    this.#log = settings.logger.child({ component: 'goto-tokens', key: settings.key });
  }

  /** Loads persisted tokens, so a restart resumes without a new sign-in. */
  static async create(settings: TokenManagerSettings): Promise<TokenManager> {
    const manager = new TokenManager(settings);
    const stored = await settings.vault.load(settings.key);
    if (stored !== null) {
      manager.#tokens = stored;
      manager.#setStatus('ready', 'resumed persisted tokens');
    }
    return manager;
  }

  /** A manager holding tokens from a sign-in, stored in the vault (what was stored before is replaced unread). */
  static async signedIn(settings: TokenManagerSettings, tokens: StoredTokens): Promise<TokenManager> {
    const manager = new TokenManager(settings);
    await manager.setTokens(tokens);
    return manager;
  }

  get status(): TokenStatus {
    return this.#status;
  }

  get principal(): string | null {
    return this.#tokens?.principal ?? null;
  }

  get scope(): string | null {
    return this.#tokens?.scope ?? null;
  }

  /** Listens to status changes; returns the unsubscribe function. */
  onStatus(listener: (status: TokenStatus, reason: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Stores tokens from a sign-in (code grant) or a PAT exchange. */
  async setTokens(tokens: StoredTokens, reason = 'signed in'): Promise<void> {
    this.#adopt(tokens);
    await this.settings.vault.save(this.settings.key, this.#tokens!);
    this.#setStatus('ready', reason);
  }

  /**
   * Re-reads the tokens from the vault: on one database another instance may have stored newer ones (a sign-in
   * there, or the refresh of a previous leader, which rotates the refresh token). Not while a refresh runs.
   */
  async reload(): Promise<void> {
    if (this.#refreshing !== null) {
      return;
    }
    const stored = await this.settings.vault.load(this.settings.key);
    if (stored === null) {
      if (this.#tokens !== null) {
        this.#tokens = null;
        this.#setStatus('signed-out', 'tokens removed on another instance');
      }
      return;
    }
    this.#adopt(stored);
    this.#setStatus('ready', 'tokens reloaded from the database');
  }

  /** Forgets the tokens (sign-out). */
  async clear(): Promise<void> {
    this.#tokens = null;
    await this.settings.vault.remove(this.settings.key);
    this.#setStatus('signed-out', 'signed out');
  }

  async accessToken(): Promise<string> {
    const tokens = this.#usable();
    const left = tokens.expiresAt - this.#now();
    if (left > this.#lifetimeMs * REFRESH_WHEN_LEFT) {
      return tokens.accessToken;
    }
    try {
      return await this.#refresh('ahead of expiry');
    } catch (error) {
      // A transient failure while the old token still works: use it and try again on the next call.
      if (left > 5_000 && !(error instanceof SignInRequiredError)) {
        this.#log.warn({ err: describe(error) }, 'token refresh failed; using the current token for now');
        return tokens.accessToken;
      }
      throw error;
    }
  }

  async refreshAfterRejection(rejected: string): Promise<string> {
    const tokens = this.#usable();
    if (tokens.accessToken !== rejected) {
      return tokens.accessToken; // another request already refreshed
    }
    return this.#refresh('the API answered 401');
  }

  #usable(): StoredTokens {
    if (this.#tokens === null || this.#status !== 'ready') {
      throw new SignInRequiredError(this.settings.key);
    }
    return this.#tokens;
  }

  /** One refresh at a time; concurrent callers share it. */
  #refresh(why: string): Promise<string> {
    this.#refreshing ??= this.#doRefresh(why).finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  async #doRefresh(why: string): Promise<string> {
    const current = this.#usable();
    try {
      let next: StoredTokens;
      if (current.refreshToken !== null) {
        next = await this.settings.oauth.refresh(current.refreshToken);
        // GoTo usually sends no new refresh token: keep the old one (§1.4).
        next = { ...next, refreshToken: next.refreshToken ?? current.refreshToken };
      } else if (this.settings.reacquire !== undefined) {
        next = await this.settings.reacquire();
      } else {
        throw new OAuthError(
          'no refresh token and no way to get a new access token',
          400,
          'no_refresh_token',
        );
      }
      this.#adopt({ ...next, principal: next.principal ?? current.principal });
      await this.settings.vault.save(this.settings.key, this.#tokens!);
      this.#log.info(
        { why, expiresAt: new Date(this.#tokens!.expiresAt).toISOString() },
        'GoTo token refreshed',
      );
      return this.#tokens!.accessToken;
    } catch (error) {
      if (error instanceof OAuthError && error.rejected) {
        this.#log.warn(
          { why, code: error.code, status: error.status },
          'GoTo refused the refresh: sign-in required',
        );
        this.#setStatus('sign-in-required', `refresh refused (${error.code})`);
        throw new SignInRequiredError(this.settings.key);
      }
      throw error;
    }
  }

  #adopt(tokens: StoredTokens): void {
    this.#tokens = tokens;
    this.#lifetimeMs = Math.max(tokens.expiresAt - this.#now(), 1_000);
  }

  #setStatus(status: TokenStatus, reason: string): void {
    if (status === this.#status) {
      return;
    }
    this.#status = status;
    this.#log.info({ status, reason }, 'GoTo token status changed');
    for (const listener of this.#listeners) {
      listener(status, reason);
    }
  }
}

/** Error text safe for logs (OAuth errors never carry the token itself). */
export function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

export function createTokenManager(settings: TokenManagerSettings): Promise<TokenManager> {
  return TokenManager.create(settings);
}
