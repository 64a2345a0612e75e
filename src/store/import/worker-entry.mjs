// Entry of the CSV parsing worker: worker threads do not inherit the main thread's tsx hooks on Node 20,
// so this plain module registers tsx, then loads the TypeScript worker named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.module);
