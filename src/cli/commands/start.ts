// screenpop start: runs screenpop (demo mode with the built-in simulator when no GoTo credentials are set).
import { ConfigError, loadConfig } from '../../config/config.ts';
import { startScreenpop } from '../../app/screenpop.ts';
import { DEFAULT_SIM } from './simulate.ts';

/** The banner's "place one yourself" command, aimed at the simulator this run started (--sim when not the default). */
export function placeCallCommand(simulatorUrl: string): string {
  const sim = simulatorUrl === DEFAULT_SIM ? '' : ` --sim ${simulatorUrl}`;
  return `npx screenpop simulate call --from +17085550101 --to +13125550140 --answer-after 5s${sim}`;
}

export async function run(_args: string[]): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(2);
    }
    throw error;
  }
  const app = await startScreenpop(config);
  const lines = [`screenpop is running: ${app.url}`];
  if (app.simulator !== null) {
    lines.push(
      `demo mode: GoTo simulator at ${app.simulator.url} (${app.simulator.directory.users.length} users)`,
      'sign in as one of the simulator users (e.g. marcus.oyelaran@northgate-appliance.example, Service Desk queue)',
      `demo calls every ${config.demo.callIntervalSeconds} s; place one yourself:`,
      `  ${placeCallCommand(app.simulator.url)}`,
    );
  }
  console.log(lines.join('\n'));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    console.log(`\n${signal}: stopping (deleting the GoTo notification channel)…`);
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
