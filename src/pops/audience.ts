// Who sees a call's card: the agents whose pop lines have rung or taken part in it, and every supervisor.
import type { Call } from '../calls/types.ts';
import type { AgentSettings } from './ports.ts';

/** The lines an agent pops on: the chosen ones, or all of the agent's lines when none were chosen. */
export function popLinesOf(agent: AgentSettings): readonly string[] {
  return agent.popLines ?? agent.lines.map((line) => line.id);
}

/** Lines of the call that ring, talk or hold right now (a `gone` leg no longer counts by itself). */
export function activeLines(call: Call): string[] {
  return call.legs.filter((leg) => leg.state !== 'gone').map((leg) => leg.lineId);
}

/**
 * An in-memory index of agents by line, kept in step with the AgentStore by whoever saves agents
 * (sign-in, settings). Routing runs on every call change, so it must not wait on the database.
 */
export class AgentDirectory {
  private readonly agents = new Map<string, AgentSettings>();
  private byLine = new Map<string, Set<string>>();

  constructor(private readonly supervisorPrincipals: readonly string[]) {}

  /** Adds or replaces one agent (after sign-in or a settings change). */
  put(agent: AgentSettings): void {
    this.agents.set(agent.principal, agent);
    this.reindex();
  }

  get(principal: string): AgentSettings | null {
    return this.agents.get(principal) ?? null;
  }

  isSupervisor(principal: string): boolean {
    return this.supervisorPrincipals.includes(principal) || this.agents.get(principal)?.role === 'supervisor';
  }

  /** Principals who pop on any of these lines. */
  agentsOnLines(lineIds: Iterable<string>): Set<string> {
    const out = new Set<string>();
    for (const lineId of lineIds) {
      for (const principal of this.byLine.get(lineId) ?? []) {
        out.add(principal);
      }
    }
    return out;
  }

  /** Every supervisor: configured ones and agents whose stored role says so. */
  supervisors(): Set<string> {
    const out = new Set(this.supervisorPrincipals);
    for (const agent of this.agents.values()) {
      if (agent.role === 'supervisor') {
        out.add(agent.principal);
      }
    }
    return out;
  }

  private reindex(): void {
    const byLine = new Map<string, Set<string>>();
    for (const agent of this.agents.values()) {
      for (const lineId of popLinesOf(agent)) {
        const set = byLine.get(lineId) ?? new Set<string>();
        set.add(agent.principal);
        byLine.set(lineId, set);
      }
    }
    this.byLine = byLine;
  }
}

/**
 * The audience of one call. Lines are remembered once they rang or took part, so an agent whose line rang
 * still sees the card turn "answered elsewhere" and "ended" after GoTo drops the leg.
 */
export class CallAudience {
  private readonly lines = new Set<string>();

  /** Records the call's current lines; returns every line that has ever taken part. */
  observe(call: Call): ReadonlySet<string> {
    for (const lineId of activeLines(call)) {
      this.lines.add(lineId);
    }
    return this.lines;
  }

  /** The principals who must get this call's card now. */
  recipients(directory: AgentDirectory): string[] {
    const out = directory.agentsOnLines(this.lines);
    for (const principal of directory.supervisors()) {
      out.add(principal);
    }
    return [...out].sort();
  }
}
