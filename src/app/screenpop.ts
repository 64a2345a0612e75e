// The composition root: config → store → GoTo client → tracker → lookup → pops → HTTP edge; and a clean shutdown.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import { CallTracker } from '../calls/index.ts';
import { systemClock } from '../calls/ports.ts';
import type { Config } from '../config/config.ts';
import { cardLookup } from '../pops/card-lookup.ts';
import { createCallerLookupFromConfig } from '../lookup/settings.ts';
import { AgentDirectory } from '../pops/audience.ts';
import { MemoryPushHub } from '../pops/memory-push-hub.ts';
import { PopService, versionBaseOf } from '../pops/pop-service.ts';
import type { PushHub } from '../pops/ports.ts';
import { buildServer } from '../server/app.ts';
import { withConfiguredRole } from '../server/roles.ts';
import { loginCookieKey } from '../server/login-key.ts';
import type { ServerMetrics } from '../server/metrics.ts';
import { OPENAPI_PATH, registerDataRoutes } from '../server/routes/data/data-routes.ts';
import { readinessRoute } from '../server/routes/health.ts';
import { PostgresPushHub } from '../store/postgres/push-hub.ts';
import { isPostgresUrl, openStore } from '../store/store.ts';
import { PostgresLease } from '../store/postgres/leader-lease.ts';
import { PostgresNoticeBus } from '../store/postgres/cluster-notices.ts';
import { webhookRoutes } from '../server/routes/webhooks.ts';
import { providerRoutes } from '../server/routes/providers.ts';
import { traceRoutes } from '../server/routes/traces.ts';
import { normalizePhone } from '../phone/phone.ts';
import { Webhooks } from '../webhooks/webhooks.ts';
import { CrmLog } from '../crmlog/crm-log.ts';
import { createWriter } from '../lookup/providers/provider-kinds.ts';
import { crmLogRoutes } from '../server/routes/crm-log.ts';
import type { CallLoggingHealth } from '../shared/trace.ts';
import type { Store } from '../store/store.ts';
import type { RunningSimulator } from '../simulator/index.ts';
import { seedDemoContacts, startDemo } from './demo.ts';
import { seedDemoHistory } from './demo-history.ts';
import type { DemoTraffic } from './demo-traffic.ts';
import { ContactLinker } from './contact-link.ts';
import { connectGoTo } from './goto-connection.ts';
import type { GoToConnection } from './goto-connection.ts';
import { ClusterRelay, leaderOnlySink } from './cluster.ts';
import { databaseReadiness } from './database-readiness.ts';
import { DEFAULT_LEADERSHIP_TIMING, Leadership } from './leadership.ts';
import { createLogger } from './logger.ts';
import { notesHook } from './notes-hook.ts';

export interface StartOptions {
  /** Folder of the built web app; default dist/web. null = serve no web app. */
  readonly webRoot?: string | null;
  readonly logger?: Logger;
  /** Demo only: skip the simulator's login form (tests of flows other than sign-in). */
  readonly autoApprove?: boolean;
  /** Demo only: override the traffic generator (tests place their own calls). */
  readonly demoTraffic?: boolean;
}

export interface RunningScreenpop {
  /** http://127.0.0.1:PORT, or the configured public URL. */
  readonly url: string;
  readonly simulator: RunningSimulator | null;
  readonly store: Store;
  readonly tracker: CallTracker;
  readonly hub: PushHub;
  close(): Promise<void>;
}

/** http://HOST:PORT as a browser on this machine reaches it (a wildcard bind is reached on loopback). */
function localUrl(host: string, address: string | AddressInfo | null): string {
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const reachable = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}

export async function startScreenpop(
  baseConfig: Config,
  options: StartOptions = {},
): Promise<RunningScreenpop> {
  const log = options.logger ?? createLogger(baseConfig);
  const demo = baseConfig.demo.enabled
    ? await startDemo(
        baseConfig,
        options.autoApprove === undefined ? {} : { autoApprove: options.autoApprove },
      )
    : null;
  const config = demo?.config ?? baseConfig;
  const store = await openStore({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    phone: config.phone,
    sqliteMmapBytes: config.sqliteMmapBytes,
    warmLookupsInBackground: true, // ready sooner on a large contacts file (issue 12: start-up)
    checkpointInBackground: true, // no WAL checkpoint inside a pop path commit (issue 12: p99)
  });
  if (demo !== null) {
    const seeded = await seedDemoContacts(store.contacts, Date.now());
    const history = await seedDemoHistory(store, demo.lines, Date.now());
    log.info({ seeded, history }, 'demo contacts and call history');
  }
  const registry = new Registry();
  const clustered = store.dialect === 'postgres' && config.databaseUrl !== null;
  // Unique per process: a restarted instance is a new holder, so its first lease is a new epoch.
  const instance = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const tracker = new CallTracker({ callLog: store.callLog, registry, logger: log.child({ part: 'calls' }) });
  const lookupService = createCallerLookupFromConfig(config.lookup, config.phone, {
    contacts: store.contacts,
    pins: store.pins,
    callLog: store.callLog,
    clock: systemClock,
    log: log.child({ part: 'lookup' }),
    registry,
  });
  const directory = new AgentDirectory(config.supervisors);
  const loadAgents = async (): Promise<void> => {
    for (const stored of await store.agents.listAgents()) {
      const agent = withConfiguredRole(stored, config.supervisors);
      if (agent !== stored) {
        await store.agents.saveAgent(agent);
      }
      directory.put(agent);
    }
  };
  await loadAgents();
  // Several instances share one PostgreSQL database: cards go through it so they reach any instance's sockets.
  const pgHub = isPostgresUrl(config.databaseUrl)
    ? await PostgresPushHub.open({ url: config.databaseUrl, log: log.child({ part: 'pops' }), registry })
    : null;
  const hub: PushHub = pgHub ?? new MemoryPushHub();
  const webhooks = Webhooks.fromConfig({
    endpoints: config.webhooks,
    store: store.webhooks,
    clock: systemClock,
    log: log.child({ part: 'webhooks' }),
  });
  // CRM call logging: the providers whose kind writes calls back, through the same persistent outbox.
  const crmLog = CrmLog.fromWriters({
    writers: config.lookup.providers.flatMap((p) => createWriter(p, systemClock) ?? []),
    outbox: store.webhooks,
    records: store.crmRecords,
    callLog: store.callLog,
    logged: (callId) => tracker.written(callId),
    clock: systemClock,
    log: log.child({ part: 'crmlog' }),
  });
  let metrics: ServerMetrics | null = null;
  let goto: GoToConnection | null = null;
  const leadership = new Leadership({
    lease:
      clustered && config.databaseUrl !== null
        ? new PostgresLease({
            url: config.databaseUrl,
            account: config.goto.accountKey ?? 'default',
            holder: instance,
            ttlMs: DEFAULT_LEADERSHIP_TIMING.ttlMs,
          })
        : null,
    log,
    registry,
    hooks: {
      lead: async (epoch, takeover) => {
        if (clustered) {
          await loadAgents(); // sign-ins on other instances while this one followed
        }
        // A takeover: calls that started or ended since the old leader may have stopped come from the reports.
        const since = Date.now() - 2 * DEFAULT_LEADERSHIP_TIMING.ttlMs;
        await goto?.lead(takeover ? since : null);
        log.info({ epoch, takeover }, 'ingesting');
      },
      stepDown: async (reason) => {
        await goto?.stepDown();
        const forgotten = tracker.forgetLive(reason);
        log.info({ reason, forgotten }, 'stopped ingesting');
      },
    },
  });
  const linker = new ContactLinker({
    callLog: store.callLog,
    pins: store.pins,
    logged: (callId) => tracker.written(callId),
    log: log.child({ part: 'calls' }),
  });
  const annotate = tracker.annotate.bind(tracker);
  const pops = new PopService({
    directory,
    hub,
    lookup: cardLookup(lookupService, log.child({ part: 'lookup' }), annotate),
    log: log.child({ part: 'pops' }),
    trace: annotate,
    versionBase: () => versionBaseOf(leadership.epoch),
    published: (card) => {
      metrics?.cardPublished(card);
      linker.cardPublished(card);
      webhooks?.cardPublished(card);
      crmLog?.cardPublished(card);
    },
  });
  const stopTracking = tracker.onChange((change) => pops.onCallChange(change));
  // Calls that happened wholly while screenpop was down: a tracker of their own writes them to the call log and
  // pops nothing (they are over); only the Call Events source catches up (goto/call-events/catch-up.ts).
  const pastCalls = new CallTracker({ callLog: store.callLog, logger: log.child({ part: 'calls' }) });
  const bus =
    clustered && config.databaseUrl !== null
      ? await PostgresNoticeBus.open({
          url: config.databaseUrl,
          instance,
          rejected: (reason) => log.warn({ reason }, 'unreadable notice from another instance'),
          reconnected: () => void loadAgents(),
        })
      : null;
  const connection = await connectGoTo({
    config,
    secrets: store.secrets,
    sink: leaderOnlySink(tracker, leadership),
    catchUp: {
      newestLogged: async () => (await store.callLog.list({ limit: 1 }))[0]?.startedAt ?? null,
      logged: async (callId) => (await store.callLog.get(callId)) !== null,
      sink: pastCalls,
    },
    log: log.child({ part: 'goto' }),
    knownPrincipals: async () => (await store.agents.listAgents()).map((a) => a.principal),
    registry,
  });
  goto = connection;
  const relay = new ClusterRelay({ bus, store, pops, goto: () => connection, log });

  let publicUrl = config.server.publicUrl?.replace(/\/+$/, '') ?? '';
  const server = await buildServer({
    log,
    publicUrl: () => publicUrl,
    supervisors: config.supervisors,
    agents: store.agents,
    sessions: store.sessions,
    signIn: connection.signIn,
    pops: relay,
    hub,
    trace: (callId) => tracker.trace(callId),
    registry,
    loginKey: await loginCookieKey(store.secrets),
    audit: store.audit,
    rateLimit: {
      authPerMinute: config.edge.authRequestsPerMinute,
      apiPerMinute: config.edge.apiRequestsPerMinute,
    },
    metricsToken: config.edge.metricsToken,
    onSignedIn: (principal) => connection.agentSignedIn(principal),
    onSignedOut: (principal) => relay.signedOut(principal),
    publicPaths: [OPENAPI_PATH],
    extraRoutes: async (scope) => {
      notesHook(scope, {
        pops: relay,
        tracker,
        saved: (callId, notes) => {
          webhooks?.notesSaved(callId, notes);
          crmLog?.notesSaved(callId);
        },
      });
      await crmLogRoutes(scope, {
        status: async (callIds) => (await crmLog?.status(callIds)) ?? new Map(callIds.map((id) => [id, []])),
        retry: async (callId, provider) => (await crmLog?.retry(callId, provider)) ?? false,
        callLog: store.callLog,
        agents: store.agents,
        supervisors: config.supervisors,
      });
      const isSupervisor = async (principal: string): Promise<boolean> =>
        config.supervisors.includes(principal) ||
        (await store.agents.getAgent(principal))?.role === 'supervisor';
      await traceRoutes(scope, {
        isSupervisor,
        agentLines: async (principal) =>
          ((await store.agents.getAgent(principal))?.lines ?? []).map((l) => l.id),
        wasSent: (principal, callId) => hub.wasSent(principal, callId),
        trace: (callId) => tracker.trace(callId),
        sourceNotes: () => tracker.notes(),
        retentionMs: tracker.traceRetentionMs,
        liveCalls: () => tracker.calls(),
        callLog: store.callLog,
        e164: (text) => normalizePhone(text, config.phone).e164,
      });
      const providerTypes = new Map(config.lookup.providers.map((p) => [p.name, p.type]));
      await providerRoutes(scope, {
        isSupervisor,
        providers: async () => {
          const logging = (await crmLog?.health()) ?? new Map<string, CallLoggingHealth>();
          return lookupService.providerHealth().map((h) => ({
            ...h,
            type: providerTypes.get(h.name) ?? 'http',
            callLogging: logging.get(h.name) ?? null,
          }));
        },
      });
      await webhookRoutes(scope, {
        isSupervisor,
        endpoints: async () => (await webhooks?.endpoints()) ?? [],
        // A CRM's writes share the outbox: named explicitly ("crm:hubspot") they are listed, never in the default list.
        attempts: async (query) =>
          (query.endpoint === undefined ? null : await crmLog?.attempts(query.endpoint, query.limit)) ??
          (await webhooks?.attempts(query)) ??
          [],
      });
      await registerDataRoutes(scope, {
        store,
        phone: config.phone,
        supervisors: config.supervisors,
        principal: (request) => request.principal ?? '',
      });
    },
    webRoot: options.webRoot === undefined ? resolve('dist/web') : options.webRoot,
  });
  metrics = server.metrics;
  const database = databaseReadiness(() => store.ping(), log);
  readinessRoute(server.app, [database, { name: 'call_log_writes', ready: () => !tracker.logWritesFailing }]);
  await server.app.listen({ port: config.server.port, host: config.server.host });
  if (publicUrl === '') {
    publicUrl = localUrl(config.server.host, server.app.server.address());
  }
  webhooks?.start();
  crmLog?.start();
  await connection.start();
  leadership.start();
  const traffic: DemoTraffic | null =
    demo !== null && options.demoTraffic !== false ? demo.startTraffic(log.child({ part: 'demo' })) : null;
  log.info(
    { url: publicUrl, demo: demo !== null, eventSource: config.goto.eventSource, instance, clustered },
    'screenpop listening',
  );

  let closing: Promise<void> | null = null;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      traffic?.stop();
      // First hand the account over: stop ingesting, release the lease; a follower takes over at its next poll.
      await leadership.stop();
      database.stop();
      server.closeSockets();
      await server.app.close();
      await connection.stop();
      await bus?.close();
      await tracker.close(); // writes ended calls still settling, before the store closes
      await pastCalls.close();
      await linker.settled(); // and links them to their contacts
      await webhooks?.close(); // queues the events of those last cards; the outbox keeps what is not yet sent
      await crmLog?.close(); // the same for the CRM call records
      stopTracking();
      lookupService.close();
      pops.close();
      await pgHub?.close(); // writes the cards still queued
      await store.close();
      await demo?.close();
      log.info({}, 'screenpop stopped');
    })();
    return closing;
  };
  return { url: publicUrl, simulator: demo?.simulator ?? null, store, tracker, hub, close };
}
