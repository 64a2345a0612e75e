// Issued OAuth artefacts: opaque access tokens with a TTL on the SimClock, refresh tokens and single-use codes.
import { randomBytes } from 'node:crypto';
import type { SimClock, SimUser, TokenInfo } from '../context.ts';

/** What an authorization code stands for until it is exchanged (once). */
export interface CodeGrant {
  readonly clientId: string;
  readonly user: SimUser;
  readonly scopes: ReadonlySet<string>;
  /** The redirect_uri sent to /oauth/authorize, or null when none was sent. */
  readonly redirectUri: string | null;
  readonly codeChallenge: string | null;
  readonly codeChallengeMethod: 'S256' | 'plain' | null;
  readonly expiresAt: number;
}

export interface RefreshGrant {
  readonly clientId: string;
  readonly user: SimUser;
  readonly scopes: ReadonlySet<string>;
}

/** Codes live 10 simulated minutes (RFC 6749 §4.1.2 recommends at most 10). */
const CODE_TTL_MS = 10 * 60 * 1000;
/** Expired access tokens are kept this long, so that they answer AUTHN_EXPIRED_TOKEN rather than "invalid". */
const EXPIRED_RETENTION_MS = 24 * 60 * 60 * 1000;

const PRUNE_EVERY = 256;

function opaque(prefix: string): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

export class TokenStore {
  readonly #access = new Map<string, TokenInfo>();
  readonly #refresh = new Map<string, RefreshGrant>();
  readonly #codes = new Map<string, CodeGrant>();
  #issuedSincePrune = 0;

  constructor(
    private readonly clock: SimClock,
    private readonly ttlSeconds: number,
  ) {}

  get ttl(): number {
    return this.ttlSeconds;
  }

  issueAccess(user: SimUser, clientId: string, scopes: ReadonlySet<string>): TokenInfo {
    this.#prune();
    const info: TokenInfo = {
      accessToken: opaque('sim-at.'),
      user,
      clientId,
      scopes,
      expiresAt: this.clock.now() + this.ttlSeconds * 1000,
    };
    this.#access.set(info.accessToken, info);
    return info;
  }

  findAccess(token: string): TokenInfo | undefined {
    return this.#access.get(token);
  }

  issueRefresh(grant: RefreshGrant): string {
    const token = opaque('sim-rt.');
    this.#refresh.set(token, grant);
    return token;
  }

  findRefresh(token: string): RefreshGrant | undefined {
    return this.#refresh.get(token);
  }

  revokeRefresh(token: string): void {
    this.#refresh.delete(token);
  }

  issueCode(grant: Omit<CodeGrant, 'expiresAt'>): string {
    const code = opaque('sim-code.');
    this.#codes.set(code, { ...grant, expiresAt: this.clock.now() + CODE_TTL_MS });
    return code;
  }

  /** Returns the grant and forgets the code: a code works once, live or expired. */
  takeCode(code: string): CodeGrant | undefined {
    const grant = this.#codes.get(code);
    this.#codes.delete(code);
    if (grant === undefined || grant.expiresAt <= this.clock.now()) {
      return undefined;
    }
    return grant;
  }

  /** Makes every access token issued so far expire now; returns how many were still live. */
  expireAll(): number {
    const now = this.clock.now();
    let live = 0;
    for (const [token, info] of this.#access) {
      if (info.expiresAt > now) {
        live += 1;
        this.#access.set(token, { ...info, expiresAt: now });
      }
    }
    return live;
  }

  /** Drops long-expired tokens every PRUNE_EVERY issues, so a long traffic run does not grow without bound. */
  #prune(): void {
    this.#issuedSincePrune += 1;
    if (this.#issuedSincePrune < PRUNE_EVERY) {
      return;
    }
    this.#issuedSincePrune = 0;
    const horizon = this.clock.now() - EXPIRED_RETENTION_MS;
    for (const [token, info] of this.#access) {
      if (info.expiresAt < horizon) {
        this.#access.delete(token);
      }
    }
  }
}
