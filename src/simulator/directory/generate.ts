// A generated contact-centre directory (`--agents N`): one account, one admin with a PAT, N agents each with one
// line, its own DID and extension, and ring-all queues of consecutive agents, each with a DID. Deterministic:
// the same options give the same ids, so a load client can rebuild the map without asking.
import type { SimDirectory, SimLine, SimPhoneNumber, SimQueue, SimUser } from '../context.ts';
import { parseDirectory } from './schema.ts';

export interface GenerateOptions {
  /** Agents (users with one line each); 1..800,000 (extensions are 6 digits, below the queues' 9xxxxx). */
  readonly agents: number;
  /** Lines per ring-all queue (consecutive agents); default 10. */
  readonly queueSize?: number;
}

export const GENERATED_ACCOUNT_KEY = '5100000000000000001';
export const GENERATED_ADMIN_EMAIL = 'admin@contact-centre.example';
export const GENERATED_ADMIN_PAT = 'sim-pat-admin';
export const GENERATED_CLIENT = Object.freeze({
  clientId: 'screenpop-demo',
  clientSecret: 'screenpop-demo-secret',
});
const MAX_AGENTS = 800_000;

/** A UUID-shaped id from a kind (1 hex digit) and an index: unique per kind and index, stable across runs. */
function uuidOf(kind: number, index: number): string {
  const hex = index.toString(16).padStart(12, '0');
  return `${kind.toString(16)}0000000-0000-4000-8000-${hex}`;
}

/** Agent i's extension: 100000 + i (6 digits; queues use 900000 + q). */
export function agentExtension(index: number): string {
  return String(100_000 + index);
}

/** Agent i's own DID, in area code 872 (never a number the bench's contacts use). */
export function agentDid(index: number): string {
  return `+1872${String(2_000_000 + index)}`;
}

export function agentEmail(index: number): string {
  return `agent${index + 1}@contact-centre.example`;
}

function queueDid(index: number): string {
  return `+1779${String(2_000_000 + index)}`;
}

function agent(index: number): { user: SimUser; line: SimLine; did: SimPhoneNumber } {
  const userKey = `7${String(index).padStart(18, '0')}`;
  const line: SimLine = {
    id: uuidOf(2, index),
    extension: agentExtension(index),
    name: `Agent ${index + 1}`,
    accountKey: GENERATED_ACCOUNT_KEY,
    userKey,
    devices: [{ id: uuidOf(3, index), model: 'goto.clients' }],
  };
  const user: SimUser = {
    userKey,
    userId: uuidOf(1, index),
    email: agentEmail(index),
    firstName: 'Agent',
    lastName: String(index + 1),
    accountKey: GENERATED_ACCOUNT_KEY,
    admin: false,
    lineIds: [line.id],
    personalAccessTokens: [],
  };
  const did: SimPhoneNumber = {
    id: uuidOf(4, index),
    number: agentDid(index),
    accountKey: GENERATED_ACCOUNT_KEY,
    routesTo: { kind: 'line', lineId: line.id },
  };
  return { user, line, did };
}

/** Builds and validates the directory (parseDirectory's cross-reference checks included). */
export function generateDirectory(options: GenerateOptions): SimDirectory {
  const count = options.agents;
  const queueSize = options.queueSize ?? 10;
  if (!Number.isInteger(count) || count < 1 || count > MAX_AGENTS) {
    throw new Error(`agents must be an integer 1..${MAX_AGENTS}, got ${count}`);
  }
  if (!Number.isInteger(queueSize) || queueSize < 1) {
    throw new Error(`queueSize must be a positive integer, got ${queueSize}`);
  }
  const agents = Array.from({ length: count }, (_, i) => agent(i));
  const queues: SimQueue[] = [];
  const queueNumbers: SimPhoneNumber[] = [];
  for (let q = 0; q * queueSize < count; q += 1) {
    const members = agents.slice(q * queueSize, (q + 1) * queueSize);
    const queue: SimQueue = {
      id: uuidOf(5, q),
      name: `Queue ${q + 1}`,
      extension: String(900_000 + q),
      accountKey: GENERATED_ACCOUNT_KEY,
      lineIds: members.map((m) => m.line.id),
      wrapUpSeconds: 0,
    };
    queues.push(queue);
    queueNumbers.push({
      id: uuidOf(6, q),
      number: queueDid(q),
      accountKey: GENERATED_ACCOUNT_KEY,
      routesTo: { kind: 'queue', queueId: queue.id, dialPlanId: null },
    });
  }
  const admin: SimUser = {
    userKey: '6000000000000000001',
    userId: uuidOf(7, 0),
    email: GENERATED_ADMIN_EMAIL,
    firstName: 'Centre',
    lastName: 'Admin',
    accountKey: GENERATED_ACCOUNT_KEY,
    admin: true,
    lineIds: [],
    personalAccessTokens: [GENERATED_ADMIN_PAT],
  };
  return parseDirectory(
    {
      accounts: [
        {
          key: GENERATED_ACCOUNT_KEY,
          organizationId: uuidOf(8, 0),
          name: `Contact centre (${count} agents)`,
        },
      ],
      users: [admin, ...agents.map((a) => a.user)],
      lines: agents.map((a) => a.line),
      queues,
      phoneNumbers: [...agents.map((a) => a.did), ...queueNumbers],
      clients: [
        {
          ...GENERATED_CLIENT,
          redirectUris: ['http://127.0.0.1/auth/callback', 'http://localhost/auth/callback'],
          scopes: [
            'users.v1.lines.read',
            'users.v1.read',
            'call-events.v1.notifications.manage',
            'call-events.v1.events.read',
            'cr.v1.read',
            'identity:scim.me',
            'voice-admin.v1.read',
            'calls.v2.initiate',
          ],
        },
      ],
    },
    `generated directory (${count} agents)`,
  );
}
