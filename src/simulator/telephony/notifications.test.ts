// Spec of the notification envelope's encoding: the WebSocket frame is exactly what JSON.stringify writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { notificationData, webSocketFrame } from './notifications.ts';

test('a frame is exactly JSON.stringify of the envelope, also when its content was encoded before', () => {
  const content = {
    metadata: { conversationSpaceId: 'c-1', direction: 'INBOUND' },
    state: { id: 's', n: 1 },
  };
  for (const control of [false, true]) {
    const data = notificationData(
      { source: 'call-events', type: 'call-state', content, control },
      Date.now(),
    );
    for (const eventId of [1, 2]) {
      const frame = webSocketFrame(data, eventId, Date.now());
      const timestamp = (JSON.parse(frame) as { timestamp: string }).timestamp;
      assert.equal(frame, JSON.stringify({ event: 'Notification', eventId, timestamp, data }));
    }
  }
});
