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

/** One update in an agent's card stream. */
export interface PushEntry {
  /**
   * Position of this update in the agent's stream: grows with every update, not necessarily by one (PostgreSQL
   * numbers every agent's updates in one sequence, so it means the same on every instance). A browser resumes
   * after the last one it saw.
   */
  readonly cursor: number;
  readonly card: Card;
}

export type PushListener = (entry: PushEntry) => void;

/** A live subscription to one agent's stream. */
export interface PushSubscription {
  /** The agent's cursor when the subscription began: every later update reaches the listener. */
  readonly cursor: number;
  /** Stops delivery; safe to call twice. */
  close(): void;
}

/**
 * Delivers card updates to the agents' browsers and keeps each agent's recent cards for replay: in memory for
 * one instance (memory-push-hub.ts), PostgreSQL LISTEN/NOTIFY for several. Reads are async so a hub may keep
 * its streams outside the process; `push-hub.contract.ts` is the behaviour every implementation shares.
 */
export interface PushHub {
  /** Appends the card to each listed agent's stream and delivers it to their subscribers (the hub owns failures). */
  publish(principals: readonly string[], card: Card): void;
  /** Starts delivering the agent's updates after the returned cursor to `listener`. */
  subscribe(principal: string, listener: PushListener): Promise<PushSubscription>;
  /** The agent's updates after `cursor`, oldest first, each call once in its current state. A cursor ahead of the
   * stream (from before a restart) replays everything kept. */
  since(principal: string, cursor: number): Promise<readonly PushEntry[]>;
  /** The agent's kept cards, newest update first. */
  recentCards(principal: string): Promise<readonly Card[]>;
  /** Whether this agent has been sent the call's card (the right to read its trace). */
  wasSent(principal: string, callId: string): Promise<boolean>;
  /** Whether the agent has a screenpop tab subscribed on this instance now (the call trace notes who had none). */
  isOpen?(principal: string): boolean;
}
