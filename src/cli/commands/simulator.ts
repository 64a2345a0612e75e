// screenpop simulator: runs the GoTo Connect simulator alone and prints how to use it.
import { parseArgs } from 'node:util';
import { startSimulator } from '../../simulator/index.ts';
import type { RunningSimulator, SimDirectory } from '../../simulator/index.ts';

const USAGE = `usage: screenpop simulator [--port 7070] [--host 127.0.0.1] [--public-url https://goto.test]
                          [--seed file.json | --agents N] [--time-scale N] [--traffic CALLS_PER_SECOND]
                          [--auto-approve] [--token-ttl SECONDS] [--rotate-refresh-tokens] [--log]

  --public-url  origin of every URL the simulator hands out (session, channel, login); default: the host each
                request names (X-Forwarded-Proto/-Host from a front, else Host)
  --agents N    a generated contact-centre directory: N agents, each with a line, extension and DID, and ring-all queues`;

function positiveNumber(name: string, text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined;
  }
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0)) {
    throw new Error(`--${name} must be a positive number, got "${text}"\n${USAGE}`);
  }
  return value;
}

function routeOf(
  directory: SimDirectory,
  routesTo: SimDirectory['phoneNumbers'][number]['routesTo'],
): string {
  if (routesTo.kind === 'line') {
    const line = directory.lines.find((l) => l.id === routesTo.lineId);
    return `line ${line?.extension ?? routesTo.lineId} (${line?.name ?? '?'})`;
  }
  const queue = directory.queues.find((q) => q.id === routesTo.queueId);
  const via = routesTo.dialPlanId === null ? '' : 'dial plan → ';
  return `${via}queue ${queue?.extension ?? '?'} "${queue?.name ?? routesTo.queueId}"`;
}

/** The start-up banner: where everything is and how to drive it. */
export function describeSimulator(sim: RunningSimulator): string {
  const d = sim.directory;
  const out: string[] = [`GoTo Connect simulator listening on ${sim.url} (WebSocket ${sim.wsUrl})`];
  out.push('  every GoTo host is this one origin: auth, api.goto.com, api.getgo.com, realtime, webrtc');
  out.push(
    sim.publicUrl === null
      ? '  URLs it hands out name the host each request reached (X-Forwarded-Proto/-Host behind a front)'
      : `  URLs it hands out name ${sim.publicUrl}`,
    '',
  );
  out.push('OAuth clients (authorize: /oauth/authorize, token: /oauth/token):');
  for (const c of d.clients) {
    out.push(`  client_id ${c.clientId}  client_secret ${c.clientSecret}`);
    out.push(`  redirect URIs ${c.redirectUris.join(', ')} (loopback: any port)`);
  }
  out.push('', 'Users:');
  for (const u of d.users) {
    const extensions = d.lines.filter((l) => u.lineIds.includes(l.id)).map((l) => l.extension);
    const notes = [
      u.admin ? 'super admin' : '',
      u.personalAccessTokens.length > 0 ? `PAT ${u.personalAccessTokens.join(', ')}` : '',
    ].filter(Boolean);
    const name = `${u.firstName} ${u.lastName}`.padEnd(20);
    const ext = (extensions.length > 0 ? `ext ${extensions.join(', ')}` : 'no line').padEnd(10);
    out.push(`  ${name} ${ext} ${u.email}${notes.length > 0 ? `  (${notes.join('; ')})` : ''}`);
  }
  out.push('', 'Queues:');
  for (const q of d.queues) {
    const members = q.lineIds.map((id) => d.lines.find((l) => l.id === id)?.extension ?? id);
    out.push(`  ${q.extension} "${q.name}" rings ${members.join(', ')}`);
  }
  out.push('', 'Company numbers:');
  for (const p of d.phoneNumbers) {
    out.push(`  ${p.number} → ${routeOf(d, p.routesTo)}`);
  }
  const example = d.phoneNumbers[0]?.number ?? d.lines[0]?.extension ?? '2101';
  out.push(
    '',
    'Place a call:',
    `  screenpop simulate call --from +15551234567 --name "JORDAN LEE" --to ${example} --answer-after 3s --sim ${sim.url}`,
    `  curl -s -X POST ${sim.url}/_sim/calls -H 'content-type: application/json' \\`,
    `    -d '{"scenario":"answered","from":"+15551234567","callerName":"JORDAN LEE","to":"${example}","answerAfterMs":3000}'`,
    `Control API: GET ${sim.url}/_sim/health, /_sim/directory, /_sim/calls; POST /_sim/calls, /_sim/faults, /_sim/traffic`,
    'Press Ctrl+C to stop.',
  );
  return `${out.join('\n')}\n`;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string', default: '7070' },
      host: { type: 'string', default: '127.0.0.1' },
      'public-url': { type: 'string' },
      seed: { type: 'string' },
      agents: { type: 'string' },
      'time-scale': { type: 'string' },
      traffic: { type: 'string' },
      'auto-approve': { type: 'boolean', default: false },
      'token-ttl': { type: 'string' },
      'rotate-refresh-tokens': { type: 'boolean', default: false },
      log: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be 0..65535, got "${values.port}"\n${USAGE}`);
  }
  const traffic = positiveNumber('traffic', values.traffic);
  const sim = await startSimulator({
    port,
    host: values.host,
    publicUrl: values['public-url'],
    directory: values.seed,
    agents: positiveNumber('agents', values.agents),
    timeScale: positiveNumber('time-scale', values['time-scale']),
    tokenTtlSeconds: positiveNumber('token-ttl', values['token-ttl']),
    autoApprove: values['auto-approve'],
    rotateRefreshTokens: values['rotate-refresh-tokens'],
    logger: values.log,
  });
  process.stdout.write(describeSimulator(sim));
  if (traffic !== undefined) {
    sim.telephony.traffic({ callsPerSecond: traffic });
    process.stdout.write(`Traffic: ${traffic} calls per second.\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sim.close();
}
