// The WAL checkpointer's thread (checkpointer.ts): its own connection to the server's SQLite file, running a
// PASSIVE checkpoint every `everyMs`. Plain JavaScript, so it runs the same from src (tests, tsx) and dist.
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';

const { file, everyMs } = workerData;
const sqlite = new BetterSqlite3(file);
sqlite.pragma('busy_timeout = 1000');
// PASSIVE never waits for readers or writers: it copies what it can and leaves the rest for the next round.
const checkpoint = sqlite.prepare('PRAGMA wal_checkpoint(PASSIVE)');
let stopped = false;

function round() {
  if (stopped) {
    return;
  }
  try {
    const row = checkpoint.get();
    parentPort.postMessage({ kind: 'checkpoint', walPages: row.log, copied: row.checkpointed });
  } catch (error) {
    parentPort.postMessage({ kind: 'error', message: String(error?.message ?? error) });
  }
  timer = setTimeout(round, everyMs);
}

let timer = setTimeout(round, everyMs);
parentPort.on('message', (message) => {
  if (message === 'stop') {
    stopped = true;
    clearTimeout(timer);
    try {
      sqlite.pragma('wal_checkpoint(PASSIVE)'); // what the last writes left, before the server's own close
    } catch {
      // the file went away or is locked: the server's connection checkpoints when it closes
    }
    sqlite.close();
    parentPort.postMessage({ kind: 'stopped' });
  }
});
