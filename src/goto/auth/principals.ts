// Signed-in GoTo users: the sign-in flow (code grant + PKCE) and one token manager per principal, from the vault.
import type { Logger } from 'pino';
import { listLines } from '../http/account.ts';
import type { GoToLine } from '../http/account.ts';
import type { GoToOAuth, PendingAuthorization } from './oauth.ts';
import type { StoredTokens } from '../ports.ts';
import { createGoToApi } from '../http/rest-client.ts';
import type { GoToApi, GoToBaseUrls } from '../http/rest-client.ts';
import { TokenManager } from './token-manager.ts';
import type { TokenManagerSettings } from './token-manager.ts';
import type { TokenVault } from './token-vault.ts';

/**
 * Scopes an agent's sign-in asks for: lines (routing, Realtime) and, for an admin, the Call Events connection —
 * including cr.v1.read, so recovery can read the Call Events Report of calls that began and ended during an outage.
 */
export const SIGN_IN_SCOPES: readonly string[] = [
  'users.v1.lines.read',
  'call-events.v1.notifications.manage',
  'call-events.v1.events.read',
  'cr.v1.read',
];

const ACCOUNT_SCOPE = 'call-events.v1.notifications.manage';

/** Structurally the server's SignedInUser (goto/ may not import server/). */
export interface GoToSignedInUser {
  readonly principal: string;
  readonly displayName: string | null;
  readonly lines: readonly GoToLine[];
}

export interface GoToPrincipalsSettings {
  readonly oauth: GoToOAuth;
  readonly vault: TokenVault;
  readonly urls: GoToBaseUrls;
  readonly logger: Logger;
  readonly scopes?: readonly string[];
  /**
   * The account-wide token manager. When it has no usable tokens and an admin signs in with the Call Events
   * scope, it adopts that admin's tokens ("the first admin who signs in connects the account").
   */
  readonly account?: TokenManager;
}

export class GoToPrincipals {
  readonly #managers = new Map<string, Promise<TokenManager>>();
  /** One REST client per manager: a client is a logger child and request slots, not worth making per sign-in. */
  readonly #apis = new WeakMap<TokenManager, GoToApi>();

  constructor(private readonly settings: GoToPrincipalsSettings) {}

  /** SignInGateway.begin: the authorize URL with state + S256 challenge, and what the callback needs. */
  begin(redirectUri: string): Promise<PendingAuthorization> {
    return this.settings.oauth.authorizationRequest(redirectUri, this.settings.scopes ?? SIGN_IN_SCOPES);
  }

  /** SignInGateway.complete: checks state, exchanges the code, keeps the tokens here and reads the user's lines. */
  async complete(callback: URL, pending: PendingAuthorization): Promise<GoToSignedInUser> {
    const tokens = await this.settings.oauth.exchangeCode(callback, pending);
    if (tokens.principal === null) {
      throw new Error('GoTo sign-in answered without a principal');
    }
    const manager = await this.#signedIn(tokens.principal, tokens);
    const account = this.settings.account;
    if (
      account !== undefined &&
      account.status !== 'ready' &&
      tokens.scope.split(' ').includes(ACCOUNT_SCOPE)
    ) {
      await account.setTokens(tokens, `account connected by ${tokens.principal}`);
    }
    const lines = await listLines(this.api(manager));
    return { principal: tokens.principal, displayName: lines[0]?.name ?? null, lines };
  }

  /** The principal's token manager (resumed from the vault on first use). */
  manager(principal: string): Promise<TokenManager> {
    let manager = this.#managers.get(principal);
    if (manager === undefined) {
      manager = TokenManager.create(this.#managerSettings(principal));
      this.#managers.set(principal, manager);
    }
    return manager;
  }

  /**
   * The principal's manager, holding the tokens of this sign-in. A manager made for it starts from them, without
   * first reading and decrypting the vault record they replace (a read per sign-in, issue 12).
   */
  #signedIn(principal: string, tokens: StoredTokens): Promise<TokenManager> {
    const cached = this.#managers.get(principal);
    if (cached !== undefined) {
      return cached.then(async (manager) => {
        await manager.setTokens(tokens);
        return manager;
      });
    }
    const created = TokenManager.signedIn(this.#managerSettings(principal), tokens);
    this.#managers.set(principal, created);
    created.catch(() => {
      if (this.#managers.get(principal) === created) {
        this.#managers.delete(principal); // not stored: the next use reads the vault again
      }
    });
    return created;
  }

  #managerSettings(principal: string): TokenManagerSettings {
    return {
      key: principal,
      vault: this.settings.vault,
      oauth: this.settings.oauth,
      logger: this.settings.logger,
    };
  }

  /** Drops the cached manager(s), so the next use reads the vault afresh (tokens other instances stored). */
  forget(principal?: string): void {
    if (principal === undefined) {
      this.#managers.clear();
    } else {
      this.#managers.delete(principal);
    }
  }

  api(manager: TokenManager): GoToApi {
    let api = this.#apis.get(manager);
    if (api === undefined) {
      api = createGoToApi({ urls: this.settings.urls, tokens: manager, logger: this.settings.logger });
      this.#apis.set(manager, api);
    }
    return api;
  }
}

export interface AccountTokensSettings {
  readonly oauth: GoToOAuth;
  readonly vault: TokenVault;
  readonly logger: Logger;
  /** config.goto.personalAccessToken: exchanged now if nothing is stored, and again whenever the token runs out. */
  readonly personalAccessToken: string | null;
}

/** The account-wide token manager (vault record "account") behind the Call Events connection. */
export async function createAccountTokenManager(settings: AccountTokensSettings): Promise<TokenManager> {
  const pat = settings.personalAccessToken;
  const manager = await TokenManager.create({
    key: 'account',
    vault: settings.vault,
    oauth: settings.oauth,
    logger: settings.logger,
    ...(pat === null ? {} : { reacquire: () => settings.oauth.exchangePersonalAccessToken(pat) }),
  });
  if (pat !== null && manager.status !== 'ready') {
    await manager.setTokens(
      await settings.oauth.exchangePersonalAccessToken(pat),
      'personal access token exchanged',
    );
  }
  return manager;
}
