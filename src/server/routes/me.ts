// The signed-in agent: who they are, their lines, and which lines pop.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { configuredRole } from '../roles.ts';
import type { ServerDeps } from '../ports.ts';
import type { Me } from '../../shared/api.ts';
import type { AgentSettings } from '../../pops/ports.ts';

const settingsBody = z.strictObject({
  popLines: z.array(z.string().min(1).max(200)).max(200).nullable(),
  desktopNotifications: z.boolean(),
});

export function toMe(agent: AgentSettings, supervisors: readonly string[]): Me {
  return {
    principal: agent.principal,
    displayName: agent.displayName,
    // From config, not the stored record: a supervisor removed from the list loses the role in open sessions too.
    role: configuredRole(agent.principal, supervisors),
    lines: agent.lines,
    popLines: agent.popLines,
    desktopNotifications: agent.desktopNotifications,
  };
}

export function principalOf(request: FastifyRequest): string {
  if (request.principal === null) {
    throw new AppError('unauthenticated');
  }
  return request.principal;
}

export async function meRoutes(app: FastifyInstance, deps: ServerDeps): Promise<void> {
  const load = async (request: FastifyRequest): Promise<AgentSettings> => {
    const agent = await deps.agents.getAgent(principalOf(request));
    if (agent === null) {
      throw new AppError('unauthenticated');
    }
    return agent;
  };

  app.get('/api/me', async (request) => toMe(await load(request), deps.supervisors));

  app.put('/api/me/settings', async (request) => {
    const body = settingsBody.parse(request.body);
    const agent = await load(request);
    const own = new Set(agent.lines.map((line) => line.id));
    const foreign = (body.popLines ?? []).filter((id) => !own.has(id));
    if (foreign.length > 0) {
      throw new AppError(
        'line_not_yours',
        foreign.map((id) => ({ path: 'popLines', message: `not your line: ${id}` })),
      );
    }
    const updated: AgentSettings = {
      ...agent,
      popLines: body.popLines === null ? null : [...new Set(body.popLines)],
      desktopNotifications: body.desktopNotifications,
    };
    await deps.agents.saveAgent(updated);
    deps.pops.agentChanged(updated);
    request.log.info(
      { principal: agent.principal, popLines: updated.popLines?.length ?? 'all' },
      'settings saved',
    );
    return toMe(updated, deps.supervisors);
  });
}
