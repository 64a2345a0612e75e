// Who gets which card, checked at the push socket over the real stack (no browser): both GoTo event sources,
// supervisors, and what a second agent's socket receives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  QUEUE_DID,
  USERS,
  knownCaller,
  placeCall,
  pushClient,
  signInOverHttp,
  startStack,
  waitFor,
} from './harness.ts';
import type { ServerMessage } from '../../src/shared/messages.ts';

function phasesOf(messages: readonly ServerMessage[], callId: string): string[] {
  const phases = messages.flatMap((m) =>
    m.type === 'card' && m.card.callId === callId ? [m.card.phase] : [],
  );
  return phases.filter((p, i) => phases[i - 1] !== p);
}

for (const source of ['call-events', 'realtime'] as const) {
  test(`${source}: a call to an agent's line reaches that agent's socket, through ringing, connected and ended`, async () => {
    const stack = await startStack({ GOTO_EVENT_SOURCE: source });
    try {
      const marcus = pushClient(stack, await signInOverHttp(stack, USERS.marcus));
      const helena = pushClient(stack, await signInOverHttp(stack, USERS.helena));
      await Promise.all([marcus.opened, helena.opened]);
      // Realtime: each agent's own session subscribes after sign-in; give it a moment to be up.
      await new Promise((r) => setTimeout(r, source === 'realtime' ? 500 : 0));
      const caller = await knownCaller(stack, 'demo-11');
      await placeCall(stack, {
        scenario: 'answered',
        from: caller.e164,
        to: '2102',
        answerAfterMs: 300,
        talkMs: 300,
      });
      // Call Events ids calls by conversationSpaceId, Realtime by the dialog's originatorId: find it by caller.
      const callId = await waitFor(
        'the card',
        () =>
          marcus.messages.flatMap((m) =>
            m.type === 'card' && m.card.caller.e164 === caller.e164 ? [m.card.callId] : [],
          )[0],
      );
      await waitFor('the ended card', () => phasesOf(marcus.messages, callId).includes('ended'));
      assert.deepEqual(phasesOf(marcus.messages, callId), ['ringing', 'connected', 'ended']);
      const last = marcus.messages.findLast((m) => m.type === 'card');
      assert.equal(last?.type === 'card' && last.card.lookup.matches[0]?.contact.name, caller.name);
      assert.deepEqual(helena.callIds(), []);
      marcus.socket.close();
      helena.socket.close();
    } finally {
      await stack.close();
    }
  });
}

test('a supervisor sees every call; an agent on another line sees none of them', async () => {
  const stack = await startStack({ SCREENPOP_SUPERVISORS: USERS.priya });
  try {
    const priya = pushClient(stack, await signInOverHttp(stack, USERS.priya));
    const aiko = pushClient(stack, await signInOverHttp(stack, USERS.aiko));
    await Promise.all([priya.opened, aiko.opened]);
    const callId = await placeCall(stack, {
      scenario: 'missed',
      from: '+19175552011',
      to: '2103',
      answerAfterMs: 300,
    });
    await waitFor('the supervisor’s ended card', () => phasesOf(priya.messages, callId).includes('ended'));
    assert.deepEqual(aiko.callIds(), []);
    priya.socket.close();
    aiko.socket.close();
  } finally {
    await stack.close();
  }
});

test('several tabs of one agent all receive the card', async () => {
  const stack = await startStack();
  try {
    const cookie = await signInOverHttp(stack, USERS.tomasz);
    const tabs = [pushClient(stack, cookie), pushClient(stack, cookie), pushClient(stack, cookie)];
    await Promise.all(tabs.map((t) => t.opened));
    const callId = await placeCall(stack, {
      scenario: 'missed',
      from: '+19175552012',
      to: '2104',
      answerAfterMs: 300,
    });
    await waitFor('every tab', () => tabs.every((t) => t.callIds().includes(callId)));
    for (const tab of tabs) {
      tab.socket.close();
    }
  } finally {
    await stack.close();
  }
});

test('a queue call rings every queue agent’s socket', async () => {
  const stack = await startStack();
  try {
    const agents = await Promise.all(
      [USERS.marcus, USERS.helena, USERS.tomasz].map(async (u) =>
        pushClient(stack, await signInOverHttp(stack, u)),
      ),
    );
    await Promise.all(agents.map((a) => a.opened));
    const callId = await placeCall(stack, {
      scenario: 'answered',
      from: '+19175552013',
      to: QUEUE_DID,
      answeredBy: '2104',
      answerAfterMs: 300,
      talkMs: 300,
    });
    await waitFor('every queue agent', () => agents.every((a) => a.callIds().includes(callId)), 20_000);
  } finally {
    await stack.close();
  }
});
