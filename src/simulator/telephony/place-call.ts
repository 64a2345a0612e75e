// POST /_sim/calls: the scenario body (validated), resolved against the directory into one flow to run.
import { z } from 'zod';
import type { SimLine } from '../context.ts';
import type { DirectoryView } from './directory.ts';
import type { FlowContext } from './flow-context.ts';
import { toE164 } from './format.ts';
import { directFlow } from './flows-inbound.ts';
import { queueFlow } from './flows-queue.ts';
import { internalFlow, outboundFlow } from './flows-outbound.ts';

export const SCENARIOS = [
  'answered',
  'queue',
  'missed',
  'abandoned',
  'transfer',
  'outbound',
  'internal',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

const extension = z.string().regex(/^\d{2,6}$/, 'an extension: 2 to 6 digits');
const simMs = z.number().int().min(0).max(86_400_000);

export const placeCallSchema = z.object({
  scenario: z.enum(SCENARIOS),
  from: z.string().trim().min(1).max(40),
  callerName: z.string().max(60).optional(),
  to: z.string().trim().min(1).max(40),
  answerAfterMs: simMs.optional(),
  answeredBy: extension.optional(),
  talkMs: simMs.optional(),
  transferTo: extension.optional(),
  record: z.boolean().optional(),
});
export type PlaceCall = z.infer<typeof placeCallSchema>;

/** A 400 for the control API: GoTo's error body with `constraintViolations` (thrown by placeCall). */
export class SimInputError extends Error {
  readonly statusCode = 400;
  readonly errorCode = 'BAD_REQUEST';
  constructor(
    message: string,
    readonly constraintViolations: readonly { field: string; constraint: string; message: string }[],
  ) {
    super(message);
    this.name = 'SimInputError';
  }
}

export function parsePlaceCall(body: unknown): PlaceCall {
  const parsed = placeCallSchema.safeParse(body);
  if (!parsed.success) {
    const violations = parsed.error.issues.map((issue) => ({
      field: issue.path.join('.') || 'body',
      constraint: issue.code === 'invalid_type' && issue.input === undefined ? 'REQUIRED' : 'INVALID',
      message: issue.message,
    }));
    throw new SimInputError(
      `Invalid call scenario: ${violations.map((v) => v.field).join(', ')}`,
      violations,
    );
  }
  return parsed.data;
}

function reject(field: string, message: string): never {
  throw new SimInputError(message, [{ field, constraint: 'INVALID', message }]);
}

/** What the scenario will do, known before it runs (returned to the caller as `expected`). */
export interface PlannedCall {
  readonly accountKey: string;
  readonly outcome: string;
  readonly answeredBy: string | null;
  readonly run: (ctx: FlowContext) => Promise<void>;
}

const DEFAULT_NAME = 'WIRELESS CALLER';

/** Turns a valid body into a runnable flow, or throws SimInputError when `from`/`to` do not fit the scenario. */
export function planCall(input: PlaceCall, directory: DirectoryView): PlannedCall {
  const ringMs = input.answerAfterMs;
  const talkMs = input.talkMs ?? 45_000;
  if (input.scenario === 'outbound' || input.scenario === 'internal') {
    const from =
      directory.lineByExtension(input.from) ?? reject('from', `No line has extension ${input.from}`);
    if (input.scenario === 'internal') {
      const to =
        directory.lineByExtension(input.to, from.accountKey) ??
        reject('to', `No line has extension ${input.to}`);
      return {
        accountKey: from.accountKey,
        outcome: 'answered',
        answeredBy: to.extension,
        run: (ctx) => internalFlow(ctx, { from, to, ringMs: ringMs ?? 6_300, talkMs, answerDevice: 0 }),
      };
    }
    const callee = toE164(input.to);
    if (callee === null || callee === 'Anonymous') {
      reject('to', `Not a phone number: ${input.to}`);
    }
    return {
      accountKey: from.accountKey,
      outcome: 'answered',
      answeredBy: null,
      run: (ctx) =>
        outboundFlow(ctx, {
          line: from,
          callee,
          did: directory.mainNumber(from.accountKey) ?? null,
          ringMs: ringMs ?? 13_800,
          talkMs,
          record: input.record ?? true,
        }),
    };
  }
  const number = toE164(input.from) ?? reject('from', `Not a phone number (or "Anonymous"): ${input.from}`);
  const caller = {
    number,
    name: number === 'Anonymous' ? 'Anonymous' : (input.callerName ?? DEFAULT_NAME),
  };
  const target =
    directory.resolveInbound(input.to, toE164(input.to)) ??
    reject('to', `Not a company number, line extension or queue extension: ${input.to}`);
  if (target.kind === 'queue') {
    if (input.scenario === 'transfer') {
      reject('to', 'A transfer scenario needs `to` to reach a line');
    }
    const outcome = input.scenario === 'missed' || input.scenario === 'abandoned' ? 'abandoned' : 'answered';
    const members = directory.queueLines(target.queue);
    const agent = members.find((l) => l.extension === input.answeredBy) ?? members[0];
    if (input.answeredBy !== undefined && agent?.extension !== input.answeredBy) {
      reject('answeredBy', `${input.answeredBy} is not an agent of queue ${target.queue.extension}`);
    }
    return {
      accountKey: target.queue.accountKey,
      outcome,
      answeredBy: outcome === 'answered' ? (agent?.extension ?? null) : null,
      run: (ctx) =>
        queueFlow(ctx, {
          caller,
          queue: target.queue,
          did: target.phoneNumber,
          dialPlanId: target.dialPlanId,
          outcome,
          answeredBy: agent?.extension ?? null,
          ringMs: ringMs ?? (outcome === 'answered' ? 6_060 : 24_000),
          talkMs,
          menuMs: 9_174,
        }),
    };
  }
  if (input.scenario === 'queue') {
    reject('to', `${input.to} does not reach a call queue`);
  }
  const line = target.line;
  let transferTo: SimLine | null = null;
  if (input.scenario === 'transfer') {
    const ext =
      input.transferTo ?? reject('transferTo', 'A transfer scenario needs transferTo (an extension)');
    transferTo =
      directory.lineByExtension(ext, line.accountKey) ?? reject('transferTo', `No line has extension ${ext}`);
    if (transferTo.id === line.id) {
      reject('transferTo', 'transferTo must be another line');
    }
  }
  const outcome =
    input.scenario === 'missed' || input.scenario === 'abandoned'
      ? 'missed'
      : input.scenario === 'transfer'
        ? 'transfer'
        : 'answered';
  return {
    accountKey: line.accountKey,
    outcome: outcome === 'transfer' ? 'transferred' : outcome,
    answeredBy: outcome === 'missed' ? null : (transferTo?.extension ?? line.extension),
    run: (ctx) =>
      directFlow(ctx, {
        caller,
        line,
        did: target.phoneNumber,
        outcome,
        ringMs: ringMs ?? (outcome === 'missed' ? 11_245 : 5_744),
        talkMs,
        answerDevice: 0,
        transferTo,
      }),
  };
}
