// Around PUT /api/calls/:id/notes: waits for a just-ended call's row to reach the call log (the tracker writes it
// after a settle delay, so a quick agent would get "no such call"), and afterwards shows the notes on the live card.
// It waits for that one row, never for the whole queue: under steady traffic the queue is never empty. While the
// store refuses writes the request waits for the row to land, holding the note, and saves it then.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { CallTracker } from '../calls/index.ts';
import type { PopService } from '../pops/pop-service.ts';

const NOTES_ROUTE = '/api/calls/:id/notes';
const params = z.object({ id: z.string() });
const body = z.object({ notes: z.string().nullable(), disposition: z.string().nullable() });

function isNotesSave(request: FastifyRequest): boolean {
  return request.method === 'PUT' && request.routeOptions.url === NOTES_ROUTE;
}

export interface NotesHookDeps {
  readonly pops: Pick<PopService, 'notesSaved'>;
  readonly tracker: Pick<CallTracker, 'written'>;
  /** After a save (the webhooks' call.notes). */
  readonly saved?: (
    callId: string,
    notes: { notes: string | null; disposition: string | null; by: string | null },
  ) => void;
}

export function notesHook(scope: FastifyInstance, deps: NotesHookDeps): void {
  scope.addHook('preHandler', async (request) => {
    const p = params.safeParse(request.params);
    if (isNotesSave(request) && p.success) {
      await deps.tracker.written(p.data.id);
    }
  });
  scope.addHook('onResponse', async (request, reply) => {
    if (!isNotesSave(request) || reply.statusCode !== 200) {
      return;
    }
    const p = params.safeParse(request.params);
    const b = body.safeParse(request.body);
    if (p.success && b.success) {
      deps.pops.notesSaved(p.data.id, { text: b.data.notes, disposition: b.data.disposition });
      deps.saved?.(p.data.id, { ...b.data, by: request.principal ?? null });
    }
  });
}
