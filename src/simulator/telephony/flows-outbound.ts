// Outbound flows: a line dials a PSTN number (ws-call-c) or another extension (ws-call-e, an internal call).
import type { SimLine, SimPhoneNumber } from '../context.ts';
import type { Conversation, LineParty, Participant } from './conversation.ts';
import { lineIdentity } from './flow-context.ts';
import type { FlowContext } from './flow-context.ts';
import { dialDigits, liveTimestamp, uuidV4 } from './format.ts';

export interface OutboundOptions {
  readonly line: SimLine;
  /** PSTN callee in E.164. */
  readonly callee: string;
  /** The company DID shown as caller ID. */
  readonly did: SimPhoneNumber | null;
  readonly ringMs: number;
  readonly talkMs: number;
  readonly record: boolean;
}

/** The dialling LINE rings first, then the callee; the line hangs up; a recording shows on ENDING (ws-call-c). */
export async function outboundFlow(ctx: FlowContext, o: OutboundOptions): Promise<void> {
  const dialString = dialDigits(o.callee);
  const c = ctx.open({ direction: 'OUTBOUND', dialString });
  const party = ctx.directory.parties(o.line)[0] as LineParty;
  const line = ctx.addLine(c, party, 'RINGING', {
    direction: 'initiator',
    caller: lineIdentity(party),
    callee: { name: '', number: dialString },
    ani: null,
  });
  ctx.emit(c);
  await ctx.wait(431);
  const callee = c.add(
    {
      kind: 'PHONE_NUMBER',
      phoneNumberId: o.did?.id ?? '',
      did: o.did?.number ?? '',
      role: 'callee',
      remote: { name: '', number: o.callee },
    },
    'RINGING',
    line.id,
  );
  ctx.emit(c);
  await ctx.wait(o.ringMs);
  await connectBoth(ctx, c, line, callee);
  if (o.record) {
    ctx.call.recorded = true;
    c.recordings = [{ id: uuidV4(), startTimestamp: liveTimestamp(ctx.now() + 388) }];
  }
  await ctx.wait(o.talkMs);
  await ctx.teardown(c, [callee, line], line.id);
}

async function connectBoth(ctx: FlowContext, c: Conversation, first: Participant, second: Participant) {
  c.setStatus(first, 'CONNECTED');
  ctx.emit(c);
  c.setStatus(second, 'CONNECTED');
  ctx.emit(c);
}

export interface InternalOptions {
  readonly from: SimLine;
  readonly to: SimLine;
  readonly ringMs: number;
  readonly talkMs: number;
  /** Device index of the callee that answers. */
  readonly answerDevice: number;
}

/** Extension to extension: OUTBOUND with two LINE parties and no PHONE_NUMBER (ws-call-e, §6.0 #2). */
export async function internalFlow(ctx: FlowContext, o: InternalOptions): Promise<void> {
  const c = ctx.open({ direction: 'OUTBOUND', dialString: o.to.extension });
  const fromParty = ctx.directory.parties(o.from)[0] as LineParty;
  const caller = ctx.addLine(c, fromParty, 'RINGING', {
    direction: 'initiator',
    caller: lineIdentity(fromParty),
    callee: { name: o.to.name, number: o.to.extension },
    ani: null,
  });
  ctx.emit(c);
  const legs: Participant[] = [];
  for (const [index, party] of ctx.directory.parties(o.to).entries()) {
    await ctx.wait(index === 0 ? 61 : 2);
    legs.push(
      ctx.addLine(
        c,
        party,
        'RINGING',
        { direction: 'recipient', caller: lineIdentity(fromParty), callee: lineIdentity(party), ani: null },
        caller.id,
      ),
    );
    ctx.emit(c);
  }
  await ctx.wait(o.ringMs);
  const answering = legs[Math.min(o.answerDevice, legs.length - 1)] as Participant;
  for (const leg of legs) {
    if (leg !== answering) {
      c.remove(leg);
    }
  }
  await connectBoth(ctx, c, caller, answering);
  await ctx.wait(o.talkMs);
  // The callee goes DISCONNECTING first even though the caller hung up (fixtures README, call e).
  await ctx.teardown(c, [answering, caller], caller.id);
}
