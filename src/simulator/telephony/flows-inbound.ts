// Inbound calls straight to a line: every device rings, one answers (or the caller gives up), shaped like
// fixtures ws-call-b (missed) and ws-call-d (direct answer; the warm transfer is in flows-transfer.ts).
import type { SimLine, SimPhoneNumber } from '../context.ts';
import type { Conversation, DialogView, LineParty, Participant } from './conversation.ts';
import { lineIdentity } from './flow-context.ts';
import type { FlowContext } from './flow-context.ts';
import { legacyNumber } from './format.ts';
import { warmTransfer } from './flows-transfer.ts';

export interface Caller {
  readonly name: string;
  /** E.164, or "Anonymous" when withheld. */
  readonly number: string;
}

export function recipientDialog(caller: Caller, party: LineParty, did: SimPhoneNumber | null): DialogView {
  return {
    direction: 'recipient',
    caller: { name: caller.name, number: legacyNumber(caller.number) },
    callee: lineIdentity(party),
    ani: did === null ? null : `${did.number} <${did.number}>`,
  };
}

export function addCaller(
  conversation: Conversation,
  caller: Caller,
  did: SimPhoneNumber | null,
): Participant {
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
