// The `screenpop` command line: one subcommand per file in ./commands, loaded on demand.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { IMPORT_NODE_FLAGS } from './node-flags.ts';

interface Command {
  readonly about: string;
  /** Node flags the command must start under; without them, the CLI runs itself again with them. */
  readonly nodeFlags?: readonly string[];
  readonly load: () => Promise<{ run(args: string[]): Promise<void> }>;
}

const commands: Record<string, Command> = {
  start: {
    about: 'run screenpop (demo mode with the built-in simulator when no GoTo credentials are set)',
    load: () => import('./commands/start.ts'),
  },
  simulator: {
    about: 'run the GoTo Connect simulator alone (--port 7070)',
    load: () => import('./commands/simulator.ts'),
  },
  simulate: {
    about: 'drive a running simulator: simulate call --from +15551234567 --to 1204 --answer-after 3s',
    load: () => import('./commands/simulate.ts'),
  },
  import: {
    about: 'import contacts: import contacts FILE.csv',
    nodeFlags: IMPORT_NODE_FLAGS,
    load: () => import('./commands/import.ts'),
  },
};

function usage(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.about}`);
  return `usage: screenpop <command> [options]\n\n${rows.join('\n')}\n`;
}

const [name, ...args] = process.argv.slice(2);
const command = name === undefined ? undefined : commands[name];
if (command === undefined) {
  process.stdout.write(usage());
  process.exit(name === undefined || name === '--help' ? 0 : 2);
}
const missing = (command.nodeFlags ?? []).filter((flag) => !process.execArgv.includes(flag));
if (missing.length > 0) {
  // Same program, same arguments, plus the flags; this process only waits, passing signals on.
  const child = spawn(process.execPath, [...process.execArgv, ...missing, ...process.argv.slice(1)], {
    stdio: 'inherit',
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('exit', (code, signal) =>
    process.exit(code ?? 128 + (signal === null ? 1 : constants.signals[signal])),
  );
} else {
  await runCommand(command);
}

async function runCommand(command: Command): Promise<void> {
  try {
    await (await command.load()).run(args);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
