// Indexed look-ups in a seeded directory (users by sign-in hint, lines by id, accounts by key), built once per
// directory: a generated one has 10,000 users, and a scan of them per /oauth/authorize and per /users/v1/lines
// made the simulator, not screenpop, the cost of the sign-in benchmark (issue 12).
import type { SimAccount, SimDirectory, SimLine, SimUser } from '../context.ts';

export interface DirectoryLookups {
  /** The first user (in directory order) whose e-mail matches `hint` case-insensitively or whose key is `hint`. */
  userByHint(hint: string): SimUser | undefined;
  /** The first line with this id. */
  lineById(id: string): SimLine | undefined;
  /** The first account with this key. */
  accountByKey(key: string): SimAccount | undefined;
}

/** Position of the first item per key, in directory order (what `Array.find` would return). */
function firstIndexBy<T>(items: readonly T[], key: (item: T) => string): Map<string, number> {
  const map = new Map<string, number>();
  items.forEach((item, i) => {
    const k = key(item);
    if (!map.has(k)) {
      map.set(k, i);
    }
  });
  return map;
}

function build(directory: SimDirectory): DirectoryLookups {
  const { users, lines, accounts } = directory;
  const byEmail = firstIndexBy(users, (u) => u.email.toLowerCase());
  const byUserKey = firstIndexBy(users, (u) => u.userKey);
  const linesById = firstIndexBy(lines, (l) => l.id);
  const accountsByKey = firstIndexBy(accounts, (a) => a.key);
  const at = <T>(items: readonly T[], i: number | undefined): T | undefined =>
    i === undefined ? undefined : items[i];
  return {
    userByHint(hint) {
      const e = byEmail.get(hint.toLowerCase());
      const k = byUserKey.get(hint);
      // Either may match; the earlier user wins, as one scan testing both would find it first.
      return at(users, e === undefined || (k !== undefined && k < e) ? k : e);
    },
    lineById: (id) => at(lines, linesById.get(id)),
    accountByKey: (key) => at(accounts, accountsByKey.get(key)),
  };
}

/** A directory is never changed once seeded, so its look-ups are built on first use and kept with it. */
const built = new WeakMap<SimDirectory, DirectoryLookups>();

export function directoryLookups(directory: SimDirectory): DirectoryLookups {
  let lookups = built.get(directory);
  if (lookups === undefined) {
    lookups = build(directory);
    built.set(directory, lookups);
  }
  return lookups;
}
