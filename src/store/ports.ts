// What store/ implements beyond lookup/'s ports: structural copies of the goto/ and pops/ ports.
// The import rules (src/architecture.test.ts) keep store/ from importing goto/ or pops/, so these
// mirror SecretStore (goto/ports.ts) and AgentStore / SessionStore (pops/ports.ts) member for member;
// store.test.ts assigns the real ports to them, so any drift fails the typecheck.

export interface SecretStore {
  getSecret(key: string): Promise<string | null>;
  putSecret(key: string, value: string): Promise<void>;
  deleteSecret(key: string): Promise<void>;
}

export interface AgentSettings {
  readonly principal: string;
  readonly displayName: string | null;
  readonly lines: readonly {
    readonly id: string;
    readonly extension: string | null;
    readonly name: string | null;
  }[];
  readonly popLines: readonly string[] | null;
  readonly desktopNotifications: boolean;
  readonly role: 'agent' | 'supervisor';
}

export interface AgentStore {
  getAgent(principal: string): Promise<AgentSettings | null>;
  saveAgent(settings: AgentSettings): Promise<void>;
  listAgents(): Promise<AgentSettings[]>;
}

export interface WebSession {
  readonly id: string;
  readonly principal: string;
  readonly createdAt: number;
  readonly expiresAt: number;
}

export interface SessionStore {
  createSession(session: WebSession): Promise<void>;
  /** The stored session, expired or not: the caller compares expiresAt with its clock. */
  getSession(id: string): Promise<WebSession | null>;
  deleteSession(id: string): Promise<void>;
  /** Removes sessions that expired before `now`; returns how many. */
  deleteExpiredSessions(now: number): Promise<number>;
}
