// The seam inside the simulator: what the platform part (server, directory, OAuth, REST faults) hands the
// telephony part (calls, channels, call events, reports, realtime). Imports nothing from the product.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface SimAccount {
  readonly key: string; // digits, e.g. "4718093562201847735"
  readonly organizationId: string; // UUID; the Realtime `entity.account`
  readonly name: string;
}

export interface SimDevice {
  readonly id: string;
  readonly model: string; // "goto.clients", "yealink.sip.t46s"
}

export interface SimLine {
  readonly id: string; // UUID line id
  readonly extension: string; // "2101"
  readonly name: string;
  readonly accountKey: string;
  readonly userKey: string;
  readonly devices: readonly SimDevice[];
}

export interface SimUser {
  readonly userKey: string;
  readonly userId: string; // UUID
  readonly email: string; // the token principal
  readonly firstName: string;
  readonly lastName: string;
  readonly accountKey: string;
  /** Super admin of the account: may subscribe to Call Events for it. */
  readonly admin: boolean;
  readonly lineIds: readonly string[];
  /** Personal access tokens this user may exchange (grant_type=personal_access_token). */
  readonly personalAccessTokens: readonly string[];
}

export interface SimQueue {
  readonly id: string;
  readonly name: string;
  readonly extension: string;
  readonly accountKey: string;
  readonly lineIds: readonly string[]; // ring-all members
  readonly wrapUpSeconds: number;
}

export interface SimPhoneNumber {
  readonly id: string; // phoneNumberId (UUID)
  readonly number: string; // company DID, E.164
  readonly accountKey: string;
  /** Where an inbound call to this DID goes. A dial plan leading to a queue is modelled as `queue` with `dialPlanId`. */
  readonly routesTo:
    | { readonly kind: 'line'; readonly lineId: string }
    | { readonly kind: 'queue'; readonly queueId: string; readonly dialPlanId: string | null };
}

export interface SimOAuthClient {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Exact redirect URIs; for loopback hosts (127.0.0.1, localhost, [::1]) any port matches (RFC 8252 §7.3). */
  readonly redirectUris: readonly string[];
  readonly scopes: readonly string[];
}

export interface SimDirectory {
  readonly accounts: readonly SimAccount[];
  readonly users: readonly SimUser[];
  readonly lines: readonly SimLine[];
  readonly queues: readonly SimQueue[];
  readonly phoneNumbers: readonly SimPhoneNumber[];
  readonly clients: readonly SimOAuthClient[];
}

export interface TokenInfo {
  readonly accessToken: string;
  readonly user: SimUser;
  readonly clientId: string;
  readonly scopes: ReadonlySet<string>;
  /** Simulated epoch ms. */
  readonly expiresAt: number;
}

/** Simulated time: runs `scale` times faster than the wall clock, so a 1,200 s channel lifetime can pass in seconds. */
export interface SimClock {
  /** Simulated epoch ms. */
  now(): number;
  readonly scale: number;
  /** Runs fn after `simulatedMs` of simulated time; returns a cancel function. */
  after(simulatedMs: number, fn: () => void): () => void;
}

/** Fault injection, changed at run time through POST /_sim/faults. Rates are 0..1. */
export interface SimFaults {
  /** Share of notifications not delivered (still numbered: creates sequence gaps). */
  drop: number;
  /** Share of notifications delivered twice (same data.id). */
  duplicate: number;
  /** Share of notifications held back and delivered after the next one. */
  reorder: number;
  /** Share of REST calls answered 429 (empty JSON body). */
  http429: number;
  /** Share of REST calls answered 500/502/503. */
  http5xx: number;
  /** Overrides the WebSocket channel lifetime (simulated seconds) for channels created from now on. */
  channelLifetimeSeconds: number | null;
  /** When false, realtime keepalives stop (to test a client's watchdog). */
  keepalives: boolean;
}

/** Start-up settings of the telephony part (simulated seconds), from startSimulator's options. */
export interface SimTelephonyOptions {
  /** Notification-channel WebSocket lifetime (goto-protocol.md §11 #2: default 1200). */
  readonly channelLifetimeSeconds: number;
  /** Delay between a call's ENDING and its REPORT_SUMMARY (default 150, i.e. 2.5 minutes). */
  readonly reportDelaySeconds: number;
  /** Legacy Realtime session idle expiry (goto-protocol.md §11 #18: default 900). */
  readonly realtimeIdleSeconds: number;
  /** Legacy Realtime keepalive interval (goto-protocol.md §11 #18: default 30). */
  readonly keepaliveSeconds: number;
}

export interface SimContext {
  readonly directory: SimDirectory;
  readonly options: SimTelephonyOptions;
  readonly clock: SimClock;
  readonly faults: SimFaults;
  /**
   * The origin this request reached (every GoTo host is this one server): the public URL when one is set, else
   * X-Forwarded-Proto/-Host or Host, e.g. https://realtime.jive.com behind a TLS front, http://127.0.0.1:PORT without.
   */
  baseUrl(request: FastifyRequest): string;
  /** The same origin for WebSockets: wss://… or ws://… */
  wsBaseUrl(request: FastifyRequest): string;
  /**
   * Checks the Bearer token (401 AUTHN_INVALID_TOKEN / AUTHN_EXPIRED_TOKEN), the scope (403
   * AUTHZ_INSUFFICIENT_SCOPE; any one of `scopes` is enough) and applies REST faults (429 / 5xx).
   * On failure it has already sent the response and returns null.
   */
  authorize(request: FastifyRequest, reply: FastifyReply, scopes: readonly string[]): TokenInfo | null;
  /** Sends a GoTo error body: {reference, errorCode, message} plus `constraints` or `constraintViolations`. */
  sendError(
    reply: FastifyReply,
    status: number,
    errorCode: string,
    message: string,
    extra?: { constraints?: readonly object[]; constraintViolations?: readonly object[] },
  ): FastifyReply;
  /** Fresh ids of the kinds GoTo uses. */
  uuid(): string;
}

/**
 * A load test's calls, placed by the simulator itself at the traffic rate (one control request, not one POST
 * per call): call i is `scenario` to `to[i % to.length]` from `from[i % from.length]`.
 */
export interface SimTrafficPlan {
  readonly scenario: 'answered' | 'missed';
  readonly to: readonly string[];
  readonly from: readonly string[];
  readonly callerName?: string;
  /** Simulated ms the call rings before it is answered (or given up). */
  readonly answerAfterMs: number;
  readonly talkMs: number;
}

/** The telephony part registers its routes and WebSocket endpoints with this. */
export type TelephonyModule = (app: FastifyInstance, ctx: SimContext) => Promise<TelephonyHandle>;

/** What the telephony part gives back to the platform part (for the control API and the CLI). */
export interface TelephonyHandle {
  /** POST /_sim/calls body (already parsed JSON; validate it) → the started call's ids. */
  placeCall(
    request: unknown,
  ): Promise<{ readonly conversationSpaceId: string; readonly [key: string]: unknown }>;
  /** Live and recently ended calls, for GET /_sim/calls. */
  listCalls(): readonly unknown[];
  /** Drops every open WebSocket (channel and realtime sessions) right now. */
  closeSockets(): number;
  /** Starts / stops the traffic generator (calls per second; a realistic mix, or `plan` for load tests). */
  traffic(
    options: {
      readonly callsPerSecond: number;
      readonly maxCalls?: number;
      readonly plan?: SimTrafficPlan;
    } | null,
  ): void;
  /** Calls the traffic generator has placed since it was last started. */
  trafficPlaced(): number;
  /** Open channel sockets, and lines watched by Realtime sessions with an open socket. */
  sockets(): { readonly channelSockets: number; readonly realtimeLines: number };
  close(): Promise<void>;
}
