// screenpop simulate: drives a running simulator through its control API (/_sim): calls, traffic, faults.
import { parseArgs } from 'node:util';

const USAGE = `usage:
  screenpop simulate call --from +15551234567 --to 1204|2200|+13125550140 [--name "JORDAN LEE"]
                          [--answer-after 3s] [--answered-by 2103] [--talk 30s] [--transfer-to 2102]
                          [--scenario answered|queue|missed|abandoned|transfer|outbound|internal] [--record]
  screenpop simulate traffic --rate 2 [--count 100] | --stop
  screenpop simulate fault [--drop 0.1] [--duplicate R] [--reorder R] [--http429 R] [--http5xx R]
                           [--channel-lifetime SECONDS] [--no-keepalives|--keepalives] [--close-sockets]
                           [--expire-tokens] [--reset]
  every subcommand takes --sim URL (default $SCREENPOP_SIM_URL or http://127.0.0.1:7070)`;

/** Where `simulate` looks without --sim: the simulator's default port (`screenpop simulator`, demo mode). */
export const DEFAULT_SIM = 'http://127.0.0.1:7070';

/** "3s", "500ms", "2m", "1.5" (seconds) → milliseconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (match === null) {
    throw new Error(`not a duration: "${text}" (use 500ms, 3s, 2m)`);
  }
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] ?? 's'] ?? 1000;
  return Math.round(Number(match[1]) * factor);
}

function rate(name: string, text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  if (!(Number.isFinite(value) && value >= 0 && value <= 1)) {
    throw new Error(`--${name} must be a rate between 0 and 1, got "${text}"`);
  }
  return value;
}

const EXTENSION = /^\d{2,6}$/;

/** Without --scenario: extension → extension is internal, extension → number is outbound, else inbound answered. */
export function defaultScenario(from: string, to: string): string {
  if (EXTENSION.test(from)) {
    return EXTENSION.test(to) ? 'internal' : 'outbound';
  }
  return 'answered';
}

/** The POST /_sim/calls body for `simulate call` arguments (validated by the simulator's telephony part). */
export function callBody(args: string[]): Record<string, unknown> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      from: { type: 'string' },
      to: { type: 'string' },
      name: { type: 'string' },
      'answer-after': { type: 'string' },
      'answered-by': { type: 'string' },
      talk: { type: 'string' },
      'transfer-to': { type: 'string' },
      scenario: { type: 'string' },
      record: { type: 'boolean' },
      sim: { type: 'string' },
    },
  });
  if (values.from === undefined || values.to === undefined) {
    throw new Error(`simulate call needs --from and --to\n${USAGE}`);
  }
  const body: Record<string, unknown> = {
    scenario: values.scenario ?? defaultScenario(values.from, values.to),
    from: values.from,
    to: values.to,
  };
  const optional: [string, unknown][] = [
    ['callerName', values.name],
    [
      'answerAfterMs',
      values['answer-after'] === undefined ? undefined : parseDuration(values['answer-after']),
    ],
    ['answeredBy', values['answered-by']],
    ['talkMs', values.talk === undefined ? undefined : parseDuration(values.talk)],
    ['transferTo', values['transfer-to']],
    ['record', values.record],
  ];
  for (const [key, value] of optional) {
    if (value !== undefined) {
      body[key] = value;
    }
  }
  return body;
}

export function trafficBody(args: string[]): Record<string, unknown> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      rate: { type: 'string' },
      count: { type: 'string' },
      stop: { type: 'boolean' },
      sim: { type: 'string' },
    },
  });
  if (values.stop === true) {
    return { stop: true };
  }
  const callsPerSecond = Number(values.rate);
  if (values.rate === undefined || !(Number.isFinite(callsPerSecond) && callsPerSecond > 0)) {
    throw new Error(`simulate traffic needs --rate CALLS_PER_SECOND (> 0) or --stop\n${USAGE}`);
  }
  if (values.count === undefined) {
    return { callsPerSecond };
  }
  const maxCalls = Number(values.count);
  if (!Number.isInteger(maxCalls) || maxCalls <= 0) {
    throw new Error(`--count must be a positive whole number, got "${values.count}"`);
  }
  return { callsPerSecond, maxCalls };
}

export function faultBody(args: string[]): Record<string, unknown> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      drop: { type: 'string' },
      duplicate: { type: 'string' },
      reorder: { type: 'string' },
      http429: { type: 'string' },
      http5xx: { type: 'string' },
      'channel-lifetime': { type: 'string' },
      keepalives: { type: 'boolean' },
      'no-keepalives': { type: 'boolean' },
      'close-sockets': { type: 'boolean' },
      'expire-tokens': { type: 'boolean' },
      reset: { type: 'boolean' },
      sim: { type: 'string' },
    },
  });
  const body: Record<string, unknown> = {};
  for (const name of ['drop', 'duplicate', 'reorder', 'http429', 'http5xx'] as const) {
    const value = rate(name, values[name]);
    if (value !== undefined) {
      body[name] = value;
    }
  }
  if (values['channel-lifetime'] !== undefined) {
    const seconds = Number(values['channel-lifetime']);
    if (!Number.isInteger(seconds) || seconds <= 0) {
      throw new Error(`--channel-lifetime must be a positive whole number of seconds`);
    }
    body['channelLifetimeSeconds'] = seconds;
  }
  if (values['no-keepalives'] === true || values.keepalives !== undefined) {
    body['keepalives'] = values['no-keepalives'] !== true;
  }
  if (values['close-sockets'] === true) {
    body['closeSockets'] = true;
  }
  if (values['expire-tokens'] === true) {
    body['expireTokens'] = true;
  }
  if (values.reset === true) {
    body['reset'] = true;
  }
  return body;
}

function simUrl(args: string[]): string {
  const index = args.indexOf('--sim');
  const inline = args.find((a) => a.startsWith('--sim='))?.slice('--sim='.length);
  const url =
    inline ?? (index >= 0 ? args[index + 1] : undefined) ?? process.env['SCREENPOP_SIM_URL'] ?? DEFAULT_SIM;
  return url.replace(/\/+$/, '');
}

async function post(base: string, path: string, body: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch (error) {
    const reason =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new Error(`cannot reach the simulator at ${base} (${reason}); start it with: screenpop simulator`, {
      cause: error,
    });
  }
  const text = await response.text();
  const parsed: unknown = text === '' ? null : JSON.parse(text);
  if (!response.ok) {
    throw new Error(`simulator answered ${response.status}: ${JSON.stringify(parsed, null, 2)}`);
  }
  return parsed;
}

export async function run(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  const base = simUrl(rest);
  switch (sub) {
    case 'call': {
      const result = await post(base, '/_sim/calls', callBody(rest));
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    case 'traffic': {
      const result = await post(base, '/_sim/traffic', trafficBody(rest));
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    case 'fault': {
      const result = await post(base, '/_sim/faults', faultBody(rest));
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      return;
    }
    case undefined:
    case '--help':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      throw new Error(`unknown simulate subcommand "${sub}"\n${USAGE}`);
  }
}
