// Inbound flows: a PSTN caller to a line (answered, missed, warm-transferred) or to a ring-all queue, shaped
// like fixtures ws-call-a (queue), ws-call-b (missed) and ws-call-d (direct answer and warm transfer).
import type { SimLine, SimPhoneNumber, SimQueue } from '../context.ts';
import type { Conversation, DialogView, Ivr, JsonObject, LineParty, Participant } from './conversation.ts';
import { lineIdentity } from './flow-context.ts';
import type { FlowContext } from './flow-context.ts';
import { legacyNumber, uuidV4 } from './format.ts';

export interface Caller {
  readonly name: string;
  /** E.164, or "Anonymous" when withheld. */
  readonly number: string;
}

function recipientDialog(caller: Caller, party: LineParty, did: SimPhoneNumber | null): DialogView {
  return {
    direction: 'recipient',
    caller: { name: caller.name, number: legacyNumber(caller.number) },
    callee: lineIdentity(party),
    ani: did === null ? null : `${did.number} <${did.number}>`,
  };
}

function addCaller(conversation: Conversation, caller: Caller, did: SimPhoneNumber | null): Participant {
  return conversation.add(
    {
      kind: 'PHONE_NUMBER',
      phoneNumberId: did?.id ?? '',
      did: did?.number ?? '',
      role: 'caller',
      remote: { name: caller.name, number: caller.number },
    },
    'RINGING',
  );
}

export interface DirectOptions {
  readonly caller: Caller;
  readonly line: SimLine;
  readonly did: SimPhoneNumber | null;
  readonly outcome: 'answered' | 'missed' | 'transfer';
  readonly ringMs: number;
  readonly talkMs: number;
  /** Index of the device that answers (desk phone first). */
  readonly answerDevice: number;
  readonly transferTo: SimLine | null;
}

/** A call straight to a line: every device rings; one answers, or the caller gives up (ws-call-b, ws-call-d). */
export async function directFlow(ctx: FlowContext, o: DirectOptions): Promise<void> {
  const conversation = ctx.open({ direction: 'INBOUND', dialString: null });
  const caller = addCaller(conversation, o.caller, o.did);
  ctx.emit(conversation);
  const legs: Participant[] = [];
  for (const [index, party] of ctx.directory.parties(o.line).entries()) {
    await ctx.wait(index === 0 ? 160 : 2);
    legs.push(
      ctx.addLine(conversation, party, 'RINGING', recipientDialog(o.caller, party, o.did), caller.id),
    );
    ctx.emit(conversation);
  }
  await ctx.wait(o.ringMs);
  if (o.outcome === 'missed') {
    // Never connected: STARTING only, then ENDING without hangupOriginatorId (§6.0 #1, #5).
    conversation.callerOutcome = 'MISSED';
    await ctx.teardown(conversation, [caller, ...legs], null);
    return;
  }
  const agent = legs[Math.min(o.answerDevice, legs.length - 1)] as Participant;
  const others = legs.filter((leg) => leg !== agent);
  if (others.length > 0) {
    others.forEach((leg) => conversation.setStatus(leg, 'DISCONNECTING'));
    ctx.emit(conversation);
    await ctx.wait(2);
    others.forEach((leg) => conversation.remove(leg));
  }
  conversation.setStatus(caller, 'CONNECTED');
  conversation.answeredAt = ctx.now();
  ctx.emit(conversation);
  conversation.setStatus(agent, 'CONNECTED');
  ctx.emit(conversation);
  if (o.outcome === 'transfer' && o.transferTo !== null) {
    await warmTransfer(ctx, conversation, caller, agent, o.transferTo, o.talkMs);
    return;
  }
  await ctx.wait(o.talkMs);
  await ctx.teardown(conversation, [agent, caller], caller.id);
}

function reference(participant: Participant, conversation: Conversation): JsonObject {
  const party = participant.party as LineParty;
  return {
    participantId: participant.id,
    conversationSpaceId: conversation.id,
    extensionNumber: party.line.extension,
    name: party.line.name,
  };
}

/** Hold, consult call to the target line, then complete the warm transfer (ws-call-d, both conversations). */
async function warmTransfer(
  ctx: FlowContext,
  conversation: Conversation,
  caller: Participant,
  agent: Participant,
  target: SimLine,
  talkMs: number,
): Promise<void> {
  const third = Math.max(1, Math.round(talkMs / 3));
  await ctx.wait(third);
  conversation.setStatus(caller, 'ON_HOLD', { initiator: { participantId: agent.id } });
  ctx.emit(conversation);

  await ctx.wait(417);
  const agentParty = agent.party as LineParty;
  const consult = ctx.open({ direction: 'OUTBOUND', dialString: target.extension });
  const transferrer = ctx.addLine(consult, agentParty, 'RINGING', {
    direction: 'initiator',
    caller: lineIdentity(agentParty),
    callee: { name: target.name, number: target.extension },
    ani: null,
  });
  ctx.emit(consult);
  await ctx.wait(88);
  const targetParty = ctx.directory.parties(target)[0] as LineParty;
  const destination = ctx.addLine(
    consult,
    targetParty,
    'RINGING',
    {
      direction: 'recipient',
      caller: lineIdentity(agentParty),
      callee: lineIdentity(targetParty),
      ani: null,
    },
    transferrer.id,
  );
  ctx.emit(consult);
  await ctx.wait(4219);
  consult.setStatus(transferrer, 'CONNECTED');
  consult.answeredAt = ctx.now();
  ctx.emit(consult);
  consult.setStatus(destination, 'CONNECTED');
  ctx.emit(consult);

  await ctx.wait(third);
  conversation.metadata.associatedConversations = [consult.id];
  consult.metadata.associatedConversations = [conversation.id];
  conversation.setStatus(caller, 'IN_WARM_TRANSFER', {
    initiator: reference(agent, conversation),
    transferrer: reference(transferrer, consult),
    destination: reference(destination, consult),
  });
  const joined = conversation.adopt(destination);
  conversation.setStatus(joined, 'RINGING');
  ctx.emit(conversation);
  await ctx.wait(19);
  consult.setStatus(destination, 'CONNECTED');
  await ctx.teardown(consult, [transferrer, destination], transferrer.id);
  await ctx.wait(20);
  conversation.setStatus(agent, 'DISCONNECTING');
  conversation.setStatus(joined, 'CONNECTED');
  ctx.emit(conversation);
  await ctx.wait(55);
  conversation.remove(agent);
  conversation.setStatus(caller, 'CONNECTED');
  ctx.emit(conversation);
  await ctx.wait(talkMs);
  await ctx.teardown(conversation, [joined, caller], caller.id);
}

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
  conversation(c, caller);
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

function conversation(c: Conversation, caller: Participant): void {
  c.setStatus(caller, 'IN_INTERACTIVE_VOICE_RESPONSE');
}

/** The main DID → dial plan → ring-all queue; one agent answers, the others drop (ws-call-a). */
export async function queueFlow(ctx: FlowContext, o: QueueOptions): Promise<void> {
  const c = ctx.open({ direction: 'INBOUND', dialString: null });
  const caller = addCaller(c, o.caller, o.did);
  ctx.emit(c);
  const plan = o.dialPlanId === null ? null : await walkDialPlan(ctx, c, caller, o);
  await ctx.wait(plan === null ? 210 : 41);
  conversation(c, caller);
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
  c.answeredAt = ctx.now();
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
