// The seeded directory of the simulator: a zod schema for seed files, cross-reference checks and loading.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { SimDirectory } from '../context.ts';

const digits = z.string().regex(/^\d{1,20}$/, 'must be a digit string');
const id = z.string().min(1);
const e164 = z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +13125550140');

const directorySchema = z.strictObject({
  accounts: z.array(z.strictObject({ key: digits, organizationId: id, name: z.string().min(1) })).min(1),
  users: z.array(
    z.strictObject({
      userKey: digits,
      userId: id,
      email: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'must be an e-mail address'),
      firstName: z.string(),
      lastName: z.string(),
      accountKey: digits,
      admin: z.boolean(),
      lineIds: z.array(id),
      personalAccessTokens: z.array(z.string().min(1)),
    }),
  ),
  lines: z.array(
    z.strictObject({
      id,
      extension: z.string().regex(/^\d{2,8}$/, 'must be an extension of 2 to 8 digits'),
      name: z.string(),
      accountKey: digits,
      userKey: digits,
      devices: z.array(z.strictObject({ id, model: z.string().min(1) })).min(1),
    }),
  ),
  queues: z.array(
    z.strictObject({
      id,
      name: z.string().min(1),
      extension: z.string().regex(/^\d{2,8}$/),
      accountKey: digits,
      lineIds: z.array(id).min(1),
      wrapUpSeconds: z.number().int().min(0),
    }),
  ),
  phoneNumbers: z.array(
    z.strictObject({
      id,
      number: e164,
      accountKey: digits,
      routesTo: z.discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('line'), lineId: id }),
        z.strictObject({ kind: z.literal('queue'), queueId: id, dialPlanId: id.nullable() }),
      ]),
    }),
  ),
  clients: z.array(
    z.strictObject({
      clientId: z.string().min(1),
      clientSecret: z.string().min(1),
      redirectUris: z.array(z.url()).min(1),
      scopes: z.array(z.string().min(1)).min(1),
    }),
  ),
});

/** Thrown for a seed that does not parse or whose references do not resolve; the message lists every problem. */
export class SeedError extends Error {
  constructor(source: string, problems: readonly string[]) {
    super(`invalid simulator seed (${source}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'SeedError';
  }
}

/** Validates a directory (from a file or built in code); throws SeedError listing every problem. */
export function parseDirectory(input: unknown, source = 'directory'): SimDirectory {
  const result = directorySchema.safeParse(input);
  if (!result.success) {
    throw new SeedError(
      source,
      result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`),
    );
  }
  const problems = crossReferenceProblems(result.data);
  if (problems.length > 0) {
    throw new SeedError(source, problems);
  }
  return result.data;
}

/** Reads and validates a JSON seed file. */
export async function loadDirectoryFile(path: string): Promise<SimDirectory> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new SeedError(path, [
      `cannot read the file: ${error instanceof Error ? error.message : String(error)}`,
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SeedError(path, [`not valid JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  return parseDirectory(json, path);
}

/** The built-in seed: the fictional account of the GoTo fixtures (Northgate Appliance Repair). */
export async function loadDefaultDirectory(): Promise<SimDirectory> {
  return loadDirectoryFile(fileURLToPath(new URL('./default.json', import.meta.url)));
}

function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>();
  return values.filter((value) => (seen.has(value) ? true : (seen.add(value), false)));
}

function crossReferenceProblems(d: SimDirectory): string[] {
  const problems: string[] = [];
  const accounts = new Set(d.accounts.map((a) => a.key));
  const lines = new Map(d.lines.map((l) => [l.id, l]));
  const users = new Map(d.users.map((u) => [u.userKey, u]));
  const queues = new Set(d.queues.map((q) => q.id));
  const unique: [string, readonly string[]][] = [
    ['account key', d.accounts.map((a) => a.key)],
    ['user key', d.users.map((u) => u.userKey)],
    ['user email', d.users.map((u) => u.email.toLowerCase())],
    ['line id', d.lines.map((l) => l.id)],
    ['phone number', d.phoneNumbers.map((p) => p.number)],
    ['client id', d.clients.map((c) => c.clientId)],
    ['personal access token', d.users.flatMap((u) => u.personalAccessTokens)],
  ];
  for (const [what, values] of unique) {
    for (const value of duplicates(values)) {
      problems.push(`duplicate ${what} ${value}`);
    }
  }
  for (const account of d.accounts) {
    const extensions = [
      ...d.lines.filter((l) => l.accountKey === account.key).map((l) => l.extension),
      ...d.queues.filter((q) => q.accountKey === account.key).map((q) => q.extension),
    ];
    for (const extension of duplicates(extensions)) {
      problems.push(`account ${account.key}: extension ${extension} is used twice`);
    }
  }
  const owned = [
    ...d.users.map((u) => [`user ${u.userKey}`, u.accountKey] as const),
    ...d.lines.map((l) => [`line ${l.id}`, l.accountKey] as const),
    ...d.queues.map((q) => [`queue ${q.id}`, q.accountKey] as const),
    ...d.phoneNumbers.map((p) => [`phone number ${p.number}`, p.accountKey] as const),
  ];
  for (const [what, accountKey] of owned) {
    if (!accounts.has(accountKey)) {
      problems.push(`${what}: unknown accountKey ${accountKey}`);
    }
  }
  for (const user of d.users) {
    for (const lineId of user.lineIds) {
      if (lines.get(lineId)?.userKey !== user.userKey) {
        problems.push(`user ${user.userKey}: line ${lineId} does not exist or belongs to another user`);
      }
    }
  }
  for (const line of d.lines) {
    if (!users.get(line.userKey)?.lineIds.includes(line.id)) {
      problems.push(`line ${line.id}: user ${line.userKey} does not exist or does not list this line`);
    }
  }
  for (const queue of d.queues) {
    for (const lineId of queue.lineIds.filter((l) => !lines.has(l))) {
      problems.push(`queue ${queue.id}: unknown line ${lineId}`);
    }
  }
  for (const phone of d.phoneNumbers) {
    const target = phone.routesTo;
    const ok = target.kind === 'line' ? lines.has(target.lineId) : queues.has(target.queueId);
    if (!ok) {
      problems.push(`phone number ${phone.number}: routes to an unknown ${target.kind}`);
    }
  }
  return problems;
}
