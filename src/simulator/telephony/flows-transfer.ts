// Warm transfer (fixture ws-call-d): hold, a consult call to the target line, then the caller's conversation
// takes the destination in while the consult conversation ends; both carry associatedConversations.
import type { SimLine } from '../context.ts';
import type { Conversation, JsonObject, LineParty, Participant } from './conversation.ts';
import { lineIdentity } from './flow-context.ts';
import type { FlowContext } from './flow-context.ts';

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
export async function warmTransfer(
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
