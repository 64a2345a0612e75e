// The data REST API as one Fastify plugin: contacts, the call log and pins, plus its OpenAPI document.
// Authentication is the caller's job: server/ registers this inside its session scope (openapi.json public).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PhoneOptions } from '../../../phone/phone.ts';
import type { CallLogStore, ContactStore, PinStore } from '../../../lookup/ports.ts';
import type { AgentStore } from '../../../pops/ports.ts';
import type { AuditStore, NoteRevisionStore } from '../../ports.ts';
import { Auditor } from '../../audit.ts';
import { auditRoutes } from './audit-routes.ts';
import { callRoutes } from './call-routes.ts';
import { contactRoutes } from './contact-routes.ts';
import { openApiDocument } from './openapi.ts';
import { pinRoutes } from './pin-routes.ts';
import { RequestError, sendRequestError } from './validate.ts';

export interface DataRoutesDeps {
  /** The stores it reads and writes, as ports (src/store implements them; the server never imports it). */
  readonly store: {
    readonly contacts: ContactStore;
    readonly callLog: CallLogStore;
    readonly pins: PinStore;
    readonly agents: AgentStore;
    readonly noteRevisions: NoteRevisionStore;
    readonly audit: AuditStore;
  };
  /** Principals with the supervisor role (SCREENPOP_SUPERVISORS): they may write any call's notes. Default none. */
  readonly supervisors?: readonly string[];
  /** Region and suffix digits for ?number= on the call log. */
  readonly phone: PhoneOptions;
  /** The signed-in agent (principal / email) behind a request: the author of notes and pins. */
  readonly principal: (request: FastifyRequest) => string;
  /** Clock of the audit entries (default Date.now). */
  readonly now?: () => number;
}

/** What each route group gets: the deps and the audit trail of changes. */
export interface DataRouteContext extends DataRoutesDeps {
  readonly auditor: Auditor;
}

export const OPENAPI_PATH = '/api/openapi.json';

export async function registerDataRoutes(app: FastifyInstance, deps: DataRoutesDeps): Promise<void> {
  await app.register(async (scope) => {
    // Only this plugin's own errors; anything else goes on to the server's error handler.
    scope.setErrorHandler((error, _request, reply) => {
      if (error instanceof RequestError) {
        return sendRequestError(reply, error);
      }
      throw error;
    });
    const ctx: DataRouteContext = { ...deps, auditor: new Auditor(deps.store.audit, scope.log, deps.now ?? Date.now) };
    contactRoutes(scope, ctx);
    callRoutes(scope, ctx);
    pinRoutes(scope, ctx);
    auditRoutes(scope, ctx);
    const document = openApiDocument();
    scope.get(OPENAPI_PATH, async () => document);
  });
}
