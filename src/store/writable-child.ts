// Test helper run as its own process (as an unprivileged user when the tests run as root, see writable.test.ts):
// opens the store named by argv[2] ({databaseUrl, dataDir}), tries one write, prints the outcome as JSON.
import { openStore } from './store.ts';

const { databaseUrl, dataDir } = JSON.parse(process.argv[2] ?? '{}') as {
  databaseUrl: string | null;
  dataDir: string;
};
function report(outcome: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(outcome)}\n`);
}

try {
  const store = await openStore({ databaseUrl, dataDir, phone: { defaultRegion: 'US', suffixDigits: 7 } });
  try {
    await store.secrets.putSecret('probe', 'written');
    report({ opened: true, wrote: true });
  } catch (error) {
    report({ opened: true, wrote: false, message: String(error) });
  } finally {
    await store.close();
  }
} catch (error) {
  const name = error instanceof Error ? error.name : 'unknown';
  report({ opened: false, name, message: String(error) });
}
