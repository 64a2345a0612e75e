// The GoTo simulator in a process of its own for the several-instances tests: the seeded account, reports ready
// 2 s after a call ends (a new leader recovers calls from them). Prints {"url"} once listening; stops on SIGTERM.
import { startSimulator } from '../../src/simulator/index.ts';

const sim = await startSimulator({ host: '127.0.0.1', port: 0, reportDelaySeconds: 2 });
process.stdout.write(`${JSON.stringify({ url: sim.url })}\n`);
const stop = (): void => {
  void sim.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
