// Wires the GoTo client: sign-in gateway, the account's Call Events connection or each agent's Realtime session.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import {
  GoToPrincipals,
  SubscriptionError,
  baseUrlsFrom,
  createAccountTokenManager,
  createCallEventsSource,
  createGoToOAuth,
  createRealtimeSource,
  createTokenVault,
  oauthSettingsFrom,
  phoneOptionsFrom,
  RealtimeOutages,
  registerGoToMetrics,
} from '../goto/index.ts';
import type { CallEventsSource, RealtimeSource, TokenManager } from '../goto/index.ts';
import type { CallEventSink } from '../calls/ports.ts';
import type { Config } from '../config/config.ts';
import type { SecretStore } from '../goto/ports.ts';
import type { SignInGateway, SignedInUser } from '../server/ports.ts';

export interface GoToConnection {
  readonly signIn: SignInGateway;
  /** Gets ready to ingest (the account's token status); ingests once lead() says this instance leads. */
  start(): Promise<void>;
  /**
   * This instance now ingests: the Call Events channel, or every known agent's Realtime session. `recoverFrom`
   * (epoch ms): a takeover, calls since then are recovered from the report API as after an outage.
   */
  lead(recoverFrom: number | null): Promise<void>;
  /** Another instance ingests now (or we shut down): stops every source, keeping the tokens. */
  stepDown(): Promise<void>;
  /** Realtime mode: starts (once) the signed-in agent's own Realtime session, when leading. */
  agentSignedIn(principal: string): void;
  /** Sign-out: stops the agent's own Realtime session and deletes their GoTo tokens from the vault. */
  agentSignedOut(principal: string): Promise<void>;
  /** The leader hears of a sign-out on another instance: stops that agent's session (the vault is already cleared). */
  stopAgent(principal: string): Promise<void>;
  /**
   * Another instance signed this agent in: the tokens it stored replace what this process holds (the account's
   * too, when that sign-in connected the account), then the agent's session starts as after a local sign-in.
   */
  signedInElsewhere(principal: string): Promise<void>;
  /** Stops every source (deletes the notification channel / Realtime sessions). */
  stop(): Promise<void>;
}

export interface GoToConnectionDeps {
  readonly config: Config;
  readonly secrets: SecretStore;
  readonly sink: CallEventSink;
  readonly log: Logger;
  /** Principals already known (agents in the store): Realtime resumes their sessions from the vault. */
  readonly knownPrincipals: () => Promise<readonly string[]>;
  /** Where the sources' counters (frames, bad frames by reason, reconnects...) are exposed for /metrics. */
  readonly registry?: Registry;
}

export async function connectGoTo(deps: GoToConnectionDeps): Promise<GoToConnection> {
  const { config, log } = deps;
  const oauth = createGoToOAuth(oauthSettingsFrom(config));
  const vault = await createTokenVault({
    store: deps.secrets,
    secretKey: config.secretKey,
    dataDir: config.dataDir,
    verifyKey: true,
  });
  const callEvents = config.goto.eventSource === 'call-events';
  const account = callEvents
    ? await createAccountTokenManager({
        oauth,
        vault,
        logger: log,
        personalAccessToken: config.goto.personalAccessToken,
      })
    : undefined;
  const principals = new GoToPrincipals({
    oauth,
    vault,
    urls: baseUrlsFrom(config),
    logger: log,
    ...(account === undefined ? {} : { account }),
  });
  const sources = new Map<string, CallEventsSource | RealtimeSource>();
  let leading = false;
  let recoverFrom: number | null = null;
  const outages = new RealtimeOutages(); // one per account: a call rings several agents' sources
  if (deps.registry !== undefined) {
    registerGoToMetrics(deps.registry, {
      sources: () => sources.values(),
      connected: () => [...sources.values()].filter((source) => source.connected).length,
    });
  }

  const run = (
    key: string,
    make: () => CallEventsSource | RealtimeSource,
    failed?: (error: unknown) => void,
  ): void => {
    if (sources.has(key)) {
      return;
    }
    const source = make();
    sources.set(key, source);
    source.start(deps.sink).then(
      () => log.info({ source: config.goto.eventSource, key }, 'GoTo event source connected'),
      (error: unknown) => {
        sources.delete(key);
        log.error(
          { source: config.goto.eventSource, key, reason: String(error) },
          'GoTo event source failed',
        );
        failed?.(error);
      },
    );
  };

  /**
   * The account connection adopts the first sign-in whose token carries the Call Events scope, but only a super
   * admin may subscribe (goto-protocol.md §1.7). When GoTo refuses, drop those tokens so the next admin connects it.
   */
  const notAnAdmin = (manager: TokenManager) => (error: unknown) => {
    if (error instanceof SubscriptionError && config.goto.personalAccessToken === null) {
      log.warn(
        { principal: manager.principal },
        'not a super admin: the next admin who signs in connects the account',
      );
      void manager.clear();
    }
  };

  const startAccount = (manager: TokenManager): void => {
    if (!leading) {
      return;
    }
    run(
      'account',
      () =>
        createCallEventsSource({
          api: principals.api(manager),
          accountKey: config.goto.accountKey,
          phone: phoneOptionsFrom(config),
          logger: log,
          recoverFrom,
        }),
      notAnAdmin(manager),
    );
  };

  const startAgent = (principal: string): void => {
    if (!leading) {
      return;
    }
    void principals.manager(principal).then((manager) => {
      if (manager.status !== 'ready' || !leading) {
        return;
      }
      run(principal, () =>
        createRealtimeSource({
          api: principals.api(manager),
          lineIds: null,
          accountKey: config.goto.accountKey,
          phone: phoneOptionsFrom(config),
          logger: log,
          outages,
        }),
      );
    });
  };

  const signIn: SignInGateway = {
    begin: (redirectUri) => principals.begin(redirectUri),
    complete: async (callback, pending): Promise<SignedInUser> => {
      const user = await principals.complete(callback, pending);
      return {
        principal: user.principal,
        displayName: user.displayName,
        lines: user.lines.map((line) => ({ id: line.id, extension: line.extension, name: line.name })),
      };
    },
  };

  const ingest = async (): Promise<void> => {
    if (account === undefined) {
      for (const principal of await deps.knownPrincipals()) {
        startAgent(principal);
      }
    } else if (account.status === 'ready') {
      startAccount(account);
    } else {
      log.warn({}, 'no GoTo account connection yet: set GOTO_PERSONAL_ACCESS_TOKEN or sign in as an admin');
    }
  };

  const stopAll = async (): Promise<void> => {
    const all = [...sources.values()];
    sources.clear();
    await Promise.allSettled(all.map((source) => source.stop()));
  };

  return {
    signIn,
    async start() {
      account?.onStatus((status, reason) => {
        log.info({ status, reason }, 'GoTo account connection status');
        if (status === 'ready') {
          startAccount(account);
        }
      });
    },
    async lead(from) {
      leading = true;
      recoverFrom = from;
      // The tokens may have moved on while another instance led (refreshed, rotated, signed out): reread them.
      principals.forget();
      await account?.reload();
      await ingest();
    },
    async stepDown() {
      leading = false;
      await stopAll();
    },
    agentSignedIn(principal) {
      if (!callEvents) {
        startAgent(principal);
      }
    },
    async agentSignedOut(principal) {
      const source = sources.get(principal);
      sources.delete(principal);
      await source?.stop();
      await (await principals.manager(principal)).clear();
    },
    async stopAgent(principal) {
      const source = sources.get(principal);
      sources.delete(principal);
      principals.forget(principal);
      await source?.stop();
    },
    async signedInElsewhere(principal) {
      if (account !== undefined) {
        if (account.status !== 'ready') {
          await account.reload(); // the first admin's sign-in there connected the account
        }
        return;
      }
      if (!sources.has(principal)) {
        principals.forget(principal);
        startAgent(principal);
      }
    },
    async stop() {
      leading = false;
      await stopAll();
    },
  };
}
