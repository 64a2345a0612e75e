// Who is a supervisor: SCREENPOP_SUPERVISORS alone, read at every sign-in, request and start-up.
import type { AgentSettings } from '../pops/ports.ts';

/** A principal removed from the list stops being a supervisor at once, in open sessions too. */
export function configuredRole(principal: string, supervisors: readonly string[]): AgentSettings['role'] {
  return supervisors.includes(principal) ? 'supervisor' : 'agent';
}

/** The stored agent with its role brought in line with the config (start-up rewrites every record with it). */
export function withConfiguredRole(agent: AgentSettings, supervisors: readonly string[]): AgentSettings {
  const role = configuredRole(agent.principal, supervisors);
  return role === agent.role ? agent : { ...agent, role };
}
