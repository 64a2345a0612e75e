// Who sees a call's card: the agents whose pop lines have rung or taken part in it (heard live or late), and every
// supervisor.
import type { Call, Leg } from '../calls/types.ts';
import type { AgentSettings } from './ports.ts';

/** The lines an agent pops on: the chosen ones, or all of the agent's lines when none were chosen. */
export function popLinesOf(agent: AgentSettings): readonly string[] {
  return agent.popLines ?? agent.lines.map((line) => line.id);
}

/** Lines of the call that ring, talk or hold right now (a `gone` leg no longer counts by itself). */
export function activeLines(call: Call): string[] {
  return call.legs.filter((leg) => leg.state !== 'gone').map((leg) => leg.lineId);
}

/** Work done, counted so tests can prove it does not grow with the number of agents (issue 12). */
export interface DirectoryWork {
  /** Line-index entries added or removed by put(). */
  indexEntries: number;
  /** Agents looked at while naming a call's recipients. */
  agentsVisited: number;
}

/**
 * An in-memory index of agents by line, kept in step with the AgentStore by whoever saves agents
 * (sign-in, settings). Routing runs on every call change, so it must not wait on the database; and a
 * sign-in updates only that agent's entries, so N sign-ins cost N, not N².
 */
export class AgentDirectory {
  readonly work: DirectoryWork = { indexEntries: 0, agentsVisited: 0 };
  private readonly agents = new Map<string, AgentSettings>();
  private readonly byLine = new Map<string, Set<string>>();
  /** Every line an agent has in GoTo, popping or not: says who left a line out of their pop lines (the trace). */
  private readonly owners = new Map<string, Set<string>>();
  /** Configured supervisors and agents whose stored role says so, kept as agents are put. */
  private readonly supervisorSet: Set<string>;
  #version = 0;

  constructor(private readonly supervisorPrincipals: readonly string[]) {
    this.supervisorSet = new Set(supervisorPrincipals);
  }

  /** Changes on every put(): recipients computed before it may be stale. */
  get version(): number {
    return this.#version;
  }

  /** Adds or replaces one agent (after sign-in or a settings change). */
  put(agent: AgentSettings): void {
    const old = this.agents.get(agent.principal);
    this.agents.set(agent.principal, agent);
    this.#version++;
    if (old !== undefined) {
      for (const lineId of popLinesOf(old)) {
        this.work.indexEntries++;
        const set = this.byLine.get(lineId);
        set?.delete(agent.principal);
        if (set?.size === 0) {
          this.byLine.delete(lineId);
        }
      }
    }
    for (const lineId of popLinesOf(agent)) {
      this.work.indexEntries++;
      const set = this.byLine.get(lineId) ?? new Set<string>();
      set.add(agent.principal);
      this.byLine.set(lineId, set);
    }
    this.#indexOwner(old, agent);
    if (agent.role === 'supervisor' || this.supervisorPrincipals.includes(agent.principal)) {
      this.supervisorSet.add(agent.principal);
    } else {
      this.supervisorSet.delete(agent.principal);
    }
  }

  /** Who pops on the line, and who has it but left it out of their pop lines (for the call trace). */
  lineRoute(lineId: string): { agents: string[]; excludedBy: string[] } {
    const agents = [...(this.byLine.get(lineId) ?? [])].sort();
    const popping = new Set(agents);
    const excludedBy = [...(this.owners.get(lineId) ?? [])].filter((p) => !popping.has(p)).sort();
    return { agents, excludedBy };
  }

  #indexOwner(old: AgentSettings | undefined, agent: AgentSettings): void {
    for (const line of old?.lines ?? []) {
      const set = this.owners.get(line.id);
      set?.delete(agent.principal);
      if (set?.size === 0) {
        this.owners.delete(line.id);
      }
    }
    for (const line of agent.lines) {
      const set = this.owners.get(line.id) ?? new Set<string>();
      set.add(agent.principal);
      this.owners.set(line.id, set);
    }
  }

  get(principal: string): AgentSettings | null {
    return this.agents.get(principal) ?? null;
  }

  isSupervisor(principal: string): boolean {
    return this.supervisorSet.has(principal);
  }

  /** Principals who pop on any of these lines. */
  agentsOnLines(lineIds: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const lineId of lineIds) {
      for (const principal of this.byLine.get(lineId) ?? []) {
        this.work.agentsVisited++;
        out.add(principal);
      }
    }
    return out;
  }

  /** Every supervisor: configured ones and agents whose stored role says so. Do not modify. */
  supervisors(): ReadonlySet<string> {
    return this.supervisorSet;
  }

  /** The principals who get a card on these lines: their agents and every supervisor, sorted. */
  recipients(lineIds: Iterable<string>): string[] {
    const out = this.agentsOnLines(lineIds);
    for (const principal of this.supervisorSet) {
      this.work.agentsVisited++;
      out.add(principal);
    }
    return [...out].sort();
  }
}

/**
 * Whether a leg makes its line part of the call. A line takes part once it rang, talked or held: live, or heard
 * only late. The rule for a line first heard of as gone: GoTo's states said it rang, but screenpop heard them late
 * (its socket was down: a gap fetch, a recovery or a report brought them back as history). That agent's phone rang
 * during the outage, so the agent gets the card, already ended ("missed" or "answered elsewhere"), as they would have
 * had screenpop been listening: a call that rang you and vanished without trace is worse than a late card. A line
 * GoTo only ever listed as disconnected (a transfer target that was busy and never rang) pops nobody.
 */
export function takesPart(leg: Leg): boolean {
  return leg.state !== 'gone' || leg.rangUnheard === true;
}

/**
 * The audience of one call. Lines are remembered once they rang or took part, so an agent whose line rang
 * still sees the card turn "answered elsewhere" and "ended" after GoTo drops the leg.
 */
export class CallAudience {
  private readonly lines = new Set<string>();
  /** Recipients as last computed, valid while neither the lines nor the directory changed. */
  private cached: { readonly version: number; readonly principals: readonly string[] } | null = null;

  /** Records the call's current lines; returns the lines that take part for the first time. */
  observe(call: Call): string[] {
    const added: string[] = [];
    for (const leg of call.legs) {
      if (takesPart(leg) && !this.lines.has(leg.lineId)) {
        this.lines.add(leg.lineId);
        added.push(leg.lineId);
      }
    }
    if (added.length > 0) {
      this.cached = null;
    }
    return added;
  }

  /** Every line that has ever taken part. */
  seen(): ReadonlySet<string> {
    return this.lines;
  }

  /** The principals who must get this call's card now (shared between calls to it: do not modify). */
  recipients(directory: AgentDirectory): readonly string[] {
    if (this.cached?.version !== directory.version) {
      this.cached = { version: directory.version, principals: directory.recipients(this.lines) };
    }
    return this.cached.principals;
  }
}
