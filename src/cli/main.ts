// The `screenpop` command line: one subcommand per file in ./commands, loaded on demand.
const commands: Record<
  string,
  { readonly about: string; readonly load: () => Promise<{ run(args: string[]): Promise<void> }> }
> = {
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
  import: { about: 'import contacts: import contacts FILE.csv', load: () => import('./commands/import.ts') },
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
try {
  await (await command.load()).run(args);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
