// Bench case "events → call model": raw channel frame text → JSON.parse + schema + normalize → tracker.
import { randomUUID } from 'node:crypto';
import { normalizeCallEventsFrame } from '../src/goto/index.ts';
import { fixtureList, usPhone } from '../src/goto/testing/fixtures.ts';
import { CallTracker } from '../src/calls/index.ts';
import type { CallEvent } from '../src/calls/types.ts';
import type { BenchCase } from './harness.ts';

const FILES = [
  'ws-call-a-queue-answered.json',
  'ws-call-b-direct-missed.json',
  'ws-call-c-outbound.json',
  'ws-call-d-warm-transfer.json',
  'ws-call-e-internal.json',
];

interface Template {
  /** Frame texts of one fixture call (both conversations for the transfer). */
  readonly frames: readonly string[];
  /** Ids to replace per replay: conversation ids and notification ids. */
  readonly ids: readonly string[];
}

function template(file: string): Template {
  const frames = fixtureList(`call-events/${file}`) as {
    data?: { id?: string; content?: { metadata?: { conversationSpaceId?: string } } };
  }[];
  const ids = new Set<string>();
  for (const frame of frames) {
    ids.add(frame.data?.id ?? '');
    ids.add(frame.data?.content?.metadata?.conversationSpaceId ?? '');
  }
  ids.delete('');
  return { frames: frames.map((f) => JSON.stringify(f)), ids: [...ids] };
}

/** One replay of a fixture call with fresh conversation and notification ids. */
function replay(t: Template): string[] {
  const fresh = new Map(t.ids.map((id) => [id, randomUUID()]));
  return t.frames.map((text) => {
    let out = text;
    for (const [from, to] of fresh) {
      out = out.replaceAll(from, to);
    }
    return out;
  });
}

/** `total` frames from `concurrent` calls in progress at once, round-robin, drawn from the five fixture calls. */
function traffic(templates: readonly Template[], total: number, concurrent: number): string[] {
  const out: string[] = [];
  const slots: string[][] = [];
  let next = 0;
  for (let i = 0; out.length < total; i++) {
    const slot = i % concurrent;
    if (slots[slot] === undefined || slots[slot].length === 0) {
      slots[slot] = replay(templates[next++ % templates.length]!);
    }
    out.push(slots[slot].shift()!);
  }
  return out;
}

function normalizedTraffic(total: number): CallEvent[] {
  const events: CallEvent[] = [];
  for (const text of traffic(FILES.map(template), total, 50)) {
    const result = normalizeCallEventsFrame(text, usPhone);
    if (result.kind === 'event') {
      events.push(result.event);
    }
  }
  return events;
}

export const cases: BenchCase[] = [
  {
    name: 'events → call model',
    setup() {
      const warmup = 20_000;
      const ops = 100_000;
      const frames = traffic(FILES.map(template), warmup + ops, 50);
      const tracker = new CallTracker({ endedGraceMs: 5_000 });
      let changes = 0;
      tracker.onChange(() => changes++);
      let invalid = 0;
      return {
        ops,
        warmup,
        notes: '5 fixture calls, fresh ids, 50 in progress; goto normalizer (zod) + tracker + trace',
        run(i: number) {
          const result = normalizeCallEventsFrame(frames[i]!, usPhone);
          if (result.kind === 'event') {
            tracker.event(result.event);
          } else {
            invalid++;
          }
        },
        teardown() {
          if (invalid > 0 || changes === 0) {
            throw new Error(`bench input broken: ${invalid} invalid frames, ${changes} changes`);
          }
        },
      };
    },
  },
  {
    name: 'call model only (tracker)',
    setup() {
      const warmup = 20_000;
      const ops = 100_000;
      const events = normalizedTraffic(warmup + ops);
      const tracker = new CallTracker({ endedGraceMs: 5_000 });
      tracker.onChange(() => {});
      return {
        ops: events.length - warmup,
        warmup,
        notes: 'same traffic, normalized before timing: dedupe, state machine, trace, metrics',
        run(i: number) {
          tracker.event(events[i]!);
        },
      };
    },
  },
];
