// A call's trace in words a supervisor understands: each step as a line of a timeline, and the answer to
// "why did no card show?" drawn from the steps (src/shared/trace.ts has what the server sends).
import type { CallTraceView, TraceLineRoute, TraceStep } from '../../../src/shared/trace.ts';

/** Recoveries that are no outage: the first listing at start-up, and the periodic reconciliation. */
const ROUTINE_CHECKS: ReadonlySet<string> = new Set(['started', 'reconciliation']);

export type Tone = 'info' | 'good' | 'warn' | 'bad';

export interface StepText {
  readonly title: string;
  readonly details: readonly string[];
  readonly tone: Tone;
}

const SOURCE_NAME: Record<'call-events' | 'realtime', string> = {
  'call-events': 'GoTo (Call Events)',
  realtime: 'GoTo (Realtime)',
};

const LEG_STATE: Record<string, string> = {
  ringing: 'ringing',
  connected: 'talking',
  held: 'on hold',
  gone: 'left the call',
};

const PHASE: Record<'ringing' | 'connected' | 'ended', string> = {
  ringing: 'ringing',
  connected: 'answered',
  ended: 'ended',
};

const VERDICT: Record<Extract<TraceStep, { kind: 'event' }>['verdict'], string | null> = {
  applied: null,
  'no-change': 'No change: the call was already in that state.',
  duplicate: 'Ignored: the same update had already arrived.',
  older: 'Ignored: it arrived late, older than what the call already showed.',
  'after-end': 'Ignored: the call had already ended.',
};

/** "store" is screenpop's own contacts; anything else is a lookup provider's configured name. */
export function sourceName(source: string): string {
  return source === 'store' ? 'screenpop contacts' : source;
}

function lineName(line: Pick<TraceLineRoute, 'lineId' | 'extension' | 'name'>): string {
  const ext = line.extension === null ? line.lineId : `line ${line.extension}`;
  return line.name === null ? ext : `${ext} (${line.name})`;
}

/** One line of the route step: who pops on the line, or why nobody does. */
export function routeText(line: TraceLineRoute): { text: string; ok: boolean } {
  const name = lineName(line);
  if (line.agents.length > 0) {
    return { text: `${name} pops for ${line.agents.join(', ')}.`, ok: true };
  }
  if (line.excludedBy.length > 0) {
    return {
      text: `${name}: nobody pops on it. ${line.excludedBy.join(', ')} left it out of their “Lines that pop a card” settings.`,
      ok: false,
    };
  }
  return {
    text: `${name}: nobody pops on it. No screenpop agent has this line (its user has never signed in to screenpop).`,
    ok: false,
  };
}

/** The tracker's reasons name lines by id ("leg:<uuid>:ringing"): say what happened instead. */
function reasonText(reason: string): string {
  const leg = /^leg:[^:]+:(\w+)$/.exec(reason);
  if (leg === null) {
    return reason;
  }
  return leg[1] === 'gone' ? 'a line left the call' : `a line is ${LEG_STATE[leg[1] ?? ''] ?? leg[1]}`;
}

/** Line id → "line 2104 (Tomasz)" from the route steps, for the call log's line ids. */
export function lineNames(steps: readonly TraceStep[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const step of steps) {
    if (step.kind === 'route') {
      step.lines.forEach((l) => out.set(l.lineId, lineName(l)));
    }
  }
  return out;
}

function cardReason(reason: string): string {
  if (reason === 'agent-changed') {
    return 'an agent signed in or changed their settings';
  }
  if (reason === 'notes') {
    return 'notes were saved';
  }
  if (reason.startsWith('lookup:')) {
    return 'the caller lookup answered';
  }
  return 'the call changed';
}

function lookupSource(s: Extract<TraceStep, { kind: 'lookup' }>['sources'][number]): string {
  const name = sourceName(s.name);
  switch (s.state) {
    case 'done':
      return `${name} answered.`;
    case 'cached':
      return `${name} answered from the cache.`;
    case 'stale':
      return `${name} answered from an older cached answer (being refreshed).`;
    case 'pending':
      return `${name} had not answered yet: the card was sent without it and updated later.`;
    case 'failed':
      return `${name} failed: ${s.error ?? 'no reason given'}.`;
  }
}

export function describeStep(step: TraceStep): StepText {
  switch (step.kind) {
    case 'event': {
      const legs =
        step.legs.length === 0
          ? step.ending
            ? 'the call is ending'
            : 'no line rings yet (menu or queue)'
          : step.legs.map((l) => `line ${l.line} ${LEG_STATE[l.state] ?? l.state}`).join(', ');
      const details = [VERDICT[step.verdict], step.summary].filter((d): d is string => d !== null);
      if (step.blind) {
        details.unshift('Read back after the GoTo connection was down: what happened meanwhile is unknown.');
      }
      const tone: Tone = step.blind ? 'warn' : step.verdict === 'applied' ? 'info' : 'warn';
      return { title: `${SOURCE_NAME[step.source]} reported: ${legs}`, details, tone };
    }
    case 'transition':
      return {
        title: `The call is now ${PHASE[step.phase]}`,
        details: step.reasons.length === 0 ? [] : [`Because: ${step.reasons.map(reasonText).join('; ')}`],
        tone: 'info',
      };
    case 'recovery':
      return ROUTINE_CHECKS.has(step.reason)
        ? {
            title: `Checked against GoTo’s list of active calls (${step.reason === 'started' ? 'at start-up' : 'routine check'})`,
            details: [],
            tone: 'info',
          }
        : {
            title: 'Re-checked with GoTo after the connection was down',
            details: [`${step.reason}. What happened to the call while the connection was down is unknown.`],
            tone: 'warn',
          };
    case 'note':
      return { title: step.message, details: [], tone: 'info' };
    case 'log':
      return { title: `Call log: ${step.message}`, details: [], tone: 'info' };
    case 'route': {
      const lines = step.lines.map(routeText);
      return {
        title: lines.length === 1 ? 'A line joined the call' : `${lines.length} lines joined the call`,
        details: lines.map((l) => l.text),
        tone: lines.every((l) => l.ok) ? 'good' : 'bad',
      };
    }
    case 'card': {
      const names = [...step.recipients, ...(step.more > 0 ? [`${step.more} more`] : [])];
      if (names.length === 0) {
        return {
          title: `Card (update ${step.version}, ${PHASE[step.phase]}) went to nobody`,
          details: ['No agent pops on the call’s lines and no supervisor is set up.'],
          tone: 'bad',
        };
      }
      const closed =
        step.notOpen.length === 0
          ? []
          : [
              `No screenpop tab was open for ${step.notOpen.join(', ')}: the card waited until they opened one.`,
            ];
      return {
        title: `Card (update ${step.version}, ${PHASE[step.phase]}) sent to ${names.join(', ')}`,
        details: [`Because ${cardReason(step.reason)}.`, ...closed],
        tone: closed.length === 0 ? 'good' : 'warn',
      };
    }
    case 'lookup': {
      const title =
        step.matched !== null
          ? `Caller found: ${step.matched.name}, from ${sourceName(step.matched.source)} (${step.matched.how})`
          : step.unknownReason !== null
            ? `Caller not identified: ${step.unknownReason}`
            : 'Caller lookup still waiting for its sources';
      return {
        title,
        details: [`Lookup took ${step.ms} ms.`, ...step.sources.map(lookupSource)],
        tone: step.sources.some((s) => s.state === 'failed') ? 'warn' : step.matched ? 'good' : 'info',
      };
    }
  }
}

/** "+1.25 s" after the first step: frames are ms apart, so clock times alone would all read the same. */
export function offsetText(ms: number): string {
  const sign = ms < 0 ? '−' : '+';
  const abs = Math.abs(ms);
  if (abs < 1000) {
    return `${sign}${Math.round(abs)} ms`;
  }
  return abs < 60_000
    ? `${sign}${(abs / 1000).toFixed(2)} s`
    : `${sign}${Math.floor(abs / 60_000)} min ${Math.round((abs % 60_000) / 1000)} s`;
}

/** Where the timeline's offsets count from: the call's first frame (connection notes before it read negative). */
export function timelineStart(steps: readonly TraceStep[]): number {
  return (steps.find((s) => s.kind === 'event') ?? steps[0])?.at ?? 0;
}

/**
 * The answer to "why did (no) card show?", most telling first. `viewer` is who asks: an agent reads whether
 * they got the card, and if not, why.
 */
export function traceFindings(view: CallTraceView, viewer: string): string[] {
  const out: string[] = [];
  if (view.trace === null) {
    const minutes = Math.round(view.retentionMs / 60_000);
    out.push(
      `This screenpop no longer holds the call’s step-by-step trace: traces are kept ${minutes} minutes after the call’s last update, and a call handled by another screenpop instance is traced there.`,
    );
    if (view.logged !== null) {
      out.push(
        `The call log has the call: ${view.logged.outcome}, on line(s) ${view.logged.lineIds.join(', ') || 'none'}.`,
      );
    }
    return out;
  }
  const steps = view.trace.steps;
  const cards = steps.filter((s): s is Extract<TraceStep, { kind: 'card' }> => s.kind === 'card');
  const sentToViewer = cards.find((c) => c.recipients.includes(viewer));
  const reached = new Set(cards.flatMap((c) => c.recipients));
  const routes = steps.flatMap((s) => (s.kind === 'route' ? s.lines : []));
  if (cards.length === 0) {
    out.push(
      'No card was built: screenpop never saw this call start or change (its updates were duplicates, late or missing).',
    );
  } else if (reached.size === 0 && cards.every((c) => c.more === 0)) {
    out.push('The card went to nobody: no signed-in agent pops on the lines this call rang.');
  } else if (routes.length > 0 && routes.every((l) => l.agents.length === 0)) {
    out.push('No agent got the card: nobody pops on the lines this call rang; only supervisors saw it.');
    if (sentToViewer !== undefined) {
      out.push(`You got the card as a supervisor (first at update ${sentToViewer.version}).`);
    }
  } else if (sentToViewer !== undefined) {
    out.push(`You got the card (first at update ${sentToViewer.version}).`);
  } else {
    out.push(`The card went to ${[...reached].join(', ')}, not to you.`);
  }
  out.push(...closedTabs(cards, routes, viewer));
  const excluded = routes.filter((l) => l.excludedBy.includes(viewer));
  for (const line of excluded) {
    out.push(`Your settings leave ${lineName(line)} out of the lines that pop a card.`);
  }
  for (const line of routes) {
    const r = routeText(line);
    if (!r.ok && !excluded.includes(line)) {
      out.push(r.text);
    }
  }
  if (routes.length === 0 && cards.length > 0) {
    out.push(
      'None of the account’s lines rang for this call (it ended in the IVR or a queue before any line rang).',
    );
  }
  const ignored = steps.filter(
    (s) => s.kind === 'event' && s.verdict !== 'applied' && s.verdict !== 'no-change',
  );
  if (ignored.length > 0) {
    out.push(`${ignored.length} update(s) from GoTo were ignored as duplicates or late arrivals.`);
  }
  const outage = steps.some(
    (s) => (s.kind === 'recovery' && !ROUTINE_CHECKS.has(s.reason)) || (s.kind === 'event' && s.blind),
  );
  if (outage) {
    out.push(
      'The GoTo connection was interrupted during the call: its state was read back after reconnecting, so what happened meanwhile (an answer, for example) may be unknown.',
    );
  }
  const lookups = steps.filter((s): s is Extract<TraceStep, { kind: 'lookup' }> => s.kind === 'lookup');
  const last = lookups.at(-1);
  if (last !== undefined && last.matched === null && last.unknownReason !== null) {
    out.push(`The caller was not identified (${last.unknownReason}): the card showed the number only.`);
  }
  for (const source of last?.sources ?? []) {
    if (source.state === 'failed') {
      out.push(`${sourceName(source.name)} failed: ${source.error ?? 'no reason given'}.`);
    }
  }
  if (view.trace.dropped > 0) {
    out.push(`The first ${view.trace.dropped} steps were dropped to keep the trace short.`);
  }
  return out;
}

/** Agents of the call's lines who had no screenpop tab open for any of the card's updates they were sent. */
function closedTabs(
  cards: readonly Extract<TraceStep, { kind: 'card' }>[],
  routes: readonly TraceLineRoute[],
  viewer: string,
): string[] {
  const agents = new Set(routes.flatMap((l) => l.agents));
  const out: string[] = [];
  for (const agent of agents) {
    const sent = cards.filter((c) => c.recipients.includes(agent));
    if (sent.length === 0 || !sent.every((c) => c.notOpen.includes(agent))) {
      continue;
    }
    out.push(
      agent === viewer
        ? 'You had no screenpop tab open while the call was live: the card waited until you opened screenpop.'
        : `${agent} had no screenpop tab open while the call was live.`,
    );
  }
  return out;
}
