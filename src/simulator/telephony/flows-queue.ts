// Inbound calls to a ring-all queue, through the main DID's dial plan when it has one (fixture ws-call-a):
// schedule, menu option 2, queue; one agent answers and the others drop, or the caller gives up.
import type { SimPhoneNumber, SimQueue } from '../context.ts';
import type { Conversation, Ivr, JsonObject, Participant } from './conversation.ts';
import type { FlowContext } from './flow-context.ts';
import { uuidV4 } from './format.ts';
import { addCaller, recipientDialog } from './flows-inbound.ts';
import type { Caller } from './flows-inbound.ts';

export interface QueueOptions {
  readonly caller: Caller;
  readonly queue: SimQueue;
  readonly did: SimPhoneNumber | null;
  readonly dialPlanId: string | null;
  readonly outcome: 'answered' | 'abandoned';
  /** Extension of the agent who answers (default: the queue's first member). */
  readonly answeredBy: string | null;
  readonly ringMs: number;
  readonly talkMs: number;
  /** Simulated ms the caller spends in the dial plan's menu before pressing 2. */
  readonly menuMs: number;
}

function planType(
  dialPlanId: string,
  executionId: string,
  node: string,
  previous: [string, string],
  extra = {},
) {
  return {
    value: 'DIAL_PLAN',
    dialPlanId,
    executionId,
    currentNode: { id: node, type: node.replace(/_\d+$/, ''), ...extra },
    previousNode: { id: previous[0], connector: previous[1] },
  };
}

/** Walks the main DID's dial plan: schedule (open), menu, option 2 → the queue node (ws-call-a states 2–6). */
async function walkDialPlan(
  ctx: FlowContext,
  c: Conversation,
  caller: Participant,
  o: QueueOptions,
): Promise<Ivr> {
  const executionId = uuidV4();
  const dialPlanId = o.dialPlanId ?? '';
  await ctx.wait(219);
  enterIvr(c, caller);
  const plan = c.addIvr(caller.id, planType(dialPlanId, executionId, 'ScheduleNode_1010', ['', '']));
  ctx.emit(c);
  const moves: [number, string, [string, string], object][] = [
    [3, 'ScheduleNode_1010', ['', ''], { result: 'OPEN_SCHEDULE' }],
    [474, 'AttendantPromptNode_1020', ['ScheduleNode_1010', 'onOpen'], {}],
    [
      o.menuMs,
      'AttendantPromptNode_1020',
      ['ScheduleNode_1010', 'onOpen'],
      { option: '2', result: 'DIALED_OPTION' },
    ],
    [0, 'CallQueueNode_1035', ['AttendantPromptNode_1020', 'option_2'], {}],
  ];
  for (const [wait, node, previous, extra] of moves) {
    await ctx.wait(wait);
    plan.type = planType(dialPlanId, executionId, node, previous, extra);
    ctx.emit(c);
  }
  return plan;
}

/** The caller is now handled by a dial plan or queue. */
function enterIvr(c: Conversation, caller: Participant): void {
  c.setStatus(caller, 'IN_INTERACTIVE_VOICE_RESPONSE');
}

/** The main DID → dial plan → ring-all queue; one agent answers, the others drop (ws-call-a). */
export async function queueFlow(ctx: FlowContext, o: QueueOptions): Promise<void> {
  const c = ctx.open({ direction: 'INBOUND', dialString: null });
  const caller = addCaller(c, o.caller, o.did);
  ctx.emit(c);
  const plan = o.dialPlanId === null ? null : await walkDialPlan(ctx, c, caller, o);
  await ctx.wait(plan === null ? 210 : 41);
  enterIvr(c, caller);
  const queueIvr = c.addIvr(caller.id, {
    value: 'CALL_QUEUE',
    queueId: o.queue.id,
    queueName: o.queue.name,
    queueType: 'BASIC',
    configuredWrapUpDuration: o.queue.wrapUpSeconds,
  });
  c.queue = {
    ivrId: queueIvr.id,
    originator: caller.id,
    queue: o.queue,
    enteredAt: ctx.now(),
    leftAt: null,
    leftQueueReason: null,
    agentId: null,
  };
  ctx.emit(c);
  const legs: Participant[] = [];
  for (const [index, party] of ctx.directory
    .queueLines(o.queue)
    .flatMap((l) => ctx.directory.parties(l))
    .entries()) {
    await ctx.wait(index === 0 ? 292 : 1);
    legs.push(ctx.addLine(c, party, 'RINGING', recipientDialog(o.caller, party, o.did), caller.id));
    ctx.emit(c);
  }
  await ctx.wait(o.ringMs);
  const agent = o.outcome === 'answered' ? pickAgent(legs, o.answeredBy) : null;
  if (agent === null) {
    // The caller leaves the queue while it rings: agents drop, queue and dial plan close, no ACTIVE connect.
    c.callerOutcome = 'ABANDONED';
    Object.assign(c.queue, { leftAt: ctx.now(), leftQueueReason: 'ABANDONED' });
    c.setStatus(caller, 'DISCONNECTING');
    ctx.emit(c);
    await dropOneByOne(ctx, c, legs);
    await closeIvrs(ctx, c, queueIvr, plan, null);
    c.remove(caller);
    c.metadata.hangupOriginatorId = null;
    ctx.emit(c, true);
    return;
  }
  await dropOneByOne(
    ctx,
    c,
    legs.filter((leg) => leg !== agent),
  );
  c.setStatus(caller, 'CONNECTED');
  c.callerOutcome = plan === null ? 'NORMAL' : 'LEFT_DIAL_PLAN';
  Object.assign(c.queue, { leftAt: ctx.now(), leftQueueReason: 'ANSWERED', agentId: agent.id });
  ctx.emit(c);
  c.setStatus(agent, 'CONNECTED');
  ctx.emit(c);
  await ctx.wait(o.talkMs);
  await closeIvrs(ctx, c, queueIvr, plan, { caller, agent });
  c.metadata.hangupOriginatorId = caller.id;
  ctx.emit(c, true);
}

function pickAgent(legs: readonly Participant[], extension: string | null): Participant | null {
  const match = legs.find((leg) => leg.party.kind === 'LINE' && leg.party.line.extension === extension);
  return match ?? legs[0] ?? null;
}

/** Losing legs go DISCONNECTING one per state and are gone in the next (ws-call-a states 11–13). */
async function dropOneByOne(
  ctx: FlowContext,
  c: Conversation,
  losers: readonly Participant[],
): Promise<void> {
  let previous: Participant | null = null;
  for (const leg of losers) {
    await ctx.wait(previous === null ? 0 : 1);
    if (previous !== null) {
      c.remove(previous);
    }
    c.setStatus(leg, 'DISCONNECTING');
    ctx.emit(c);
    previous = leg;
  }
  if (previous !== null) {
    await ctx.wait(2);
    c.remove(previous);
  }
}

/** Queue DISCONNECTING, caller back in the dial plan, dial plan COMPLETED, caller DISCONNECTING (§6.0 #5). */
async function closeIvrs(
  ctx: FlowContext,
  c: Conversation,
  queueIvr: Ivr,
  plan: Ivr | null,
  talk: { caller: Participant; agent: Participant } | null,
): Promise<void> {
  queueIvr.status = 'DISCONNECTING';
  ctx.emit(c);
  await ctx.wait(1);
  c.removeIvr(queueIvr);
  if (talk !== null) {
    if (plan !== null) {
      c.setStatus(talk.caller, 'IN_INTERACTIVE_VOICE_RESPONSE');
    }
    c.setStatus(talk.agent, 'DISCONNECTING');
    ctx.emit(c);
    await ctx.wait(42);
    c.remove(talk.agent);
  }
  if (plan !== null) {
    plan.status = 'DISCONNECTING';
    const type = plan.type as { currentNode?: JsonObject };
    plan.type = { ...plan.type, currentNode: { ...(type.currentNode ?? {}), result: 'COMPLETED' } };
    ctx.emit(c);
    await ctx.wait(8);
    c.removeIvr(plan);
  }
  if (talk !== null) {
    c.setStatus(talk.caller, 'DISCONNECTING');
    ctx.emit(c);
  }
}
