// After PUT /api/calls/:id/notes succeeds, the call's card (if still live in memory) shows the saved notes.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { PopService } from '../pops/pop-service.ts';

const params = z.object({ id: z.string() });
const body = z.object({ notes: z.string().nullable(), disposition: z.string().nullable() });

export function notesHook(scope: FastifyInstance, pops: PopService): void {
  scope.addHook('onResponse', async (request, reply) => {
    if (
      request.method !== 'PUT' ||
      request.routeOptions.url !== '/api/calls/:id/notes' ||
      reply.statusCode !== 200
    ) {
      return;
    }
    const p = params.safeParse(request.params);
    const b = body.safeParse(request.body);
    if (p.success && b.success) {
      pops.notesSaved(p.data.id, { text: b.data.notes, disposition: b.data.disposition });
    }
  });
}
