// What the HTTP edge needs from the rest of screenpop; the composition root (src/app) supplies each piece.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { CallTrace } from '../calls/index.ts';
import type { AgentSettings, AgentStore, PushHub, SessionStore } from '../pops/ports.ts';
import type { AuditEntry, NoteRevision } from '../shared/api.ts';
import type { RateLimits } from './rate-limits.ts';

/** The GoTo user behind a completed sign-in. Tokens stay with the GoTo client; the edge never sees them. */
export interface SignedInUser {
  readonly principal: string;
  readonly displayName: string | null;
  readonly lines: AgentSettings['lines'];
}

/** A started sign-in: where to send the browser, and the secrets the callback needs (sealed into the browser's
 * login cookie, see login-state.ts). */
export interface PendingSignIn {
  readonly url: string;
  readonly state: string;
  readonly codeVerifier: string;
  readonly redirectUri: string;
}

/** The OAuth authorization-code flow with state + PKCE, as the GoTo client offers it. */
export interface SignInGateway {
  /** Creates state and PKCE verifier and the GoTo authorize URL carrying state and the S256 challenge. */
  begin(redirectUri: string): Promise<PendingSignIn>;
  /** Checks the callback against the pending sign-in, exchanges the code (the GoTo client keeps the tokens)
   * and reads the user's principal and lines. */
  complete(callback: URL, pending: PendingSignIn): Promise<SignedInUser>;
}

/** Every save of a call's notes (store/ implements it over both databases). */
export interface NoteRevisionStore {
  addNoteRevision(revision: NoteRevision): Promise<void>;
  /** The call's revisions, oldest first. */
  noteRevisions(callId: string): Promise<NoteRevision[]>;
}

export interface AuditQuery {
  /** Entries with an id below this one (paging back from the newest). */
  readonly beforeId?: number;
  readonly limit: number;
}

/** The audit log (store/ implements it over both databases). */
export interface AuditStore {
  record(entry: Omit<AuditEntry, 'id'>): Promise<void>;
  /** Newest first. */
  listAudit(query: AuditQuery): Promise<AuditEntry[]>;
}

/** What the edge asks of the live calls (pops' PopService answers). */
export interface LiveCalls {
  /** Whether the agent may see this call: a recipient of its card now or before, or a supervisor. */
  canSee(principal: string, callId: string): boolean;
  /** An agent signed in or changed settings: live calls on their lines pop for them. */
  agentChanged(agent: AgentSettings): void;
}

export interface ServerDeps {
  readonly log: FastifyBaseLogger;
  /** Public base URL ("https://pop.example.com"); a function because tests listen on port 0 first. */
  readonly publicUrl: () => string;
  /** Principals who see every call (SCREENPOP_SUPERVISORS). */
  readonly supervisors: readonly string[];
  readonly agents: AgentStore;
  readonly sessions: SessionStore;
  readonly signIn: SignInGateway;
  readonly pops: LiveCalls;
  readonly hub: PushHub;
  /** The tracker's trace of a call, or null when it knows no such call. */
  readonly trace: (callId: string) => CallTrace | null;
  /** Registers more authenticated routes (the store's contacts / calls / pins plugin). */
  readonly extraRoutes?: (scope: FastifyInstance) => Promise<void>;
  /** Paths inside extraRoutes that need no session (GET /api/openapi.json). */
  readonly publicPaths?: readonly string[];
  /** Folder of the built web app (dist/web); null to serve none. */
  readonly webRoot: string | null;
  /** Called after each sign-in (Realtime mode starts the agent's own GoTo session). */
  readonly onSignedIn?: (principal: string) => void;
  /** Where card views are recorded (the store's audit log); absent: not recorded. */
  readonly audit?: AuditStore;
  /** Called after each sign-out: the GoTo client forgets the agent's tokens (the vault deletes them). */
  readonly onSignedOut?: (principal: string) => Promise<void>;
  /** Bearer token GET /metrics requires (SCREENPOP_METRICS_TOKEN); null or absent: /metrics is open. */
  readonly metricsToken?: string | null;
  /** Prometheus registry to add the edge's metrics to (default: a new one). */
  readonly registry?: Registry;
  /** Per-client request limits on /auth and /api (default DEFAULT_RATE_LIMITS, rate-limits.ts). */
  readonly rateLimit?: RateLimits;
  /** 32 bytes sealing the login cookie; every instance behind one URL needs the same (default: random). */
  readonly loginKey?: Uint8Array;
  /** Session lifetime, ms (default 12 h). */
  readonly sessionTtlMs?: number;
  readonly now?: () => number;
}
