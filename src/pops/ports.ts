// Ports of pops/: agents' settings and sessions (store/), and the fan-out to browsers (server/).
import type { AgentLine } from '../shared/api.ts';
import type { Card } from '../shared/messages.ts';

export interface AgentSettings {
  /** GoTo principal (email) of the agent. */
  readonly principal: string;
  readonly displayName: string | null;
  /** Every line the agent has in GoTo (from /users/v1/lines). */
  readonly lines: readonly AgentLine[];
  /** Lines that pop; null means all of the agent's lines. */
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

/** Delivers card updates to the agents' browsers (in memory now; Postgres NOTIFY for several instances later). */
export interface PushHub {
  /** Sends the card to each listed agent's open sockets. */
  publish(principals: readonly string[], card: Card): void;
}
