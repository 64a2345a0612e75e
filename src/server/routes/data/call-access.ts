// Who may change a call's notes: the agents who took part in it, and supervisors (issue 13 item 8).
// Reading the call log stays team-wide: the card's history and the history page need everyone's calls.
import type { CallLogEntry } from '../../../shared/api.ts';
import type { AgentStore } from '../../../pops/ports.ts';
import { configuredRole } from '../../roles.ts';

/** True when one of the agent's GoTo lines rang on or answered the call, or the agent is a supervisor. */
export async function mayWriteNotes(
  agents: Pick<AgentStore, 'getAgent'>,
  supervisors: readonly string[],
  principal: string,
  entry: CallLogEntry,
): Promise<boolean> {
  if (configuredRole(principal, supervisors) === 'supervisor') {
    return true;
  }
  const agent = await agents.getAgent(principal);
  const lines = new Set(agent?.lines.map((line) => line.id) ?? []);
  return entry.lineIds.some((id) => lines.has(id)) || (entry.answeredBy !== null && lines.has(entry.answeredBy));
}
