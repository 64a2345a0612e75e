// The simulator in a process of its own for the end-to-end benchmarks: a generated contact centre, the login
// form skipped (agents sign in with login_hint). Prints {"url"} once listening; stops on SIGTERM.
import { generateDirectory } from '../../src/simulator/directory/generate.ts';
import { startSimulator } from '../../src/simulator/index.ts';

const agents = Number(process.argv[2] ?? 1000);
// One line per queue: every call of the benchmark rings exactly one agent's own line, whatever its route.
const sim = await startSimulator({
  directory: generateDirectory({ agents, queueSize: 1 }),
  autoApprove: true,
});
process.stdout.write(`${JSON.stringify({ url: sim.url })}\n`);
const stop = (): void => {
  void sim.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
