// Rows of the end-to-end scenarios: a pop run's figures beside its goals, and a failure as a NOT MET row.
import type { Row } from '../report.ts';
import type { PopsReport } from './load-client.ts';

export const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : '-');
export const count = (v: number) => v.toLocaleString('en-US');

export function failedRow(name: string, goal: string, error: unknown): Row {
  const message = error instanceof Error ? error.message : String(error);
  return {
    name,
    figure: 'failed',
    goal,
    met: false,
    p50Ms: null,
    p99Ms: null,
    opsPerSecond: null,
    notes: message.split('\n').slice(0, 3).join(' | '),
  };
}

export function popRow(name: string, report: PopsReport, goal: { p50: number; p99: number }): Row {
  const s = report.summary;
  const flat = s.windowP99Ms.every((p) => p <= goal.p99);
  const met = s.p50Ms <= goal.p50 && s.p99Ms <= goal.p99 && s.lost === 0 && s.wrongAgent === 0 && flat;
  return {
    name,
    figure: `added p50 ${ms(s.p50Ms)} ms, p99 ${ms(s.p99Ms)} ms; ${s.lost} lost, ${s.wrongAgent} to a wrong agent`,
    goal: `p50 ≤ ${goal.p50} ms, p99 ≤ ${goal.p99} ms (each 10 s), 0 lost, 0 wrong`,
    met,
    p50Ms: s.p50Ms,
    p99Ms: s.p99Ms,
    opsPerSecond: report.placed / report.placingSeconds,
    notes:
      `p99 per 10 s: ${s.windowP99Ms.map(ms).join(' / ')}; ${count(report.placed)} calls, ` +
      `${count(s.delivered)}/${count(s.expected)} cards, max ${ms(s.maxMs)} ms, ${s.unmatched} unmatched, ` +
      `${count(report.sockets)} sockets (opened in ${report.connectSeconds.toFixed(1)} s)`,
  };
}
