// Hostile JSON for the fuzzing tests: random values, and real frames with a few members deleted, retyped or replaced.

export type Rand = () => number;
export const pick = <T>(rand: Rand, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

export function randomValue(rand: Rand, depth = 0): unknown {
  switch (Math.floor(rand() * (depth > 2 ? 6 : 8))) {
    case 0:
      return null;
    case 1:
      return rand() < 0.5;
    case 2:
      return pick(rand, [0, -1, 1e308, -0, 2 ** 53 + 1, 3.5]);
    case 3:
      return pick(rand, [
        '',
        'x'.repeat(1 + Math.floor(rand() * 5000)),
        '\u0000\ud800',
        '<script>',
        '🙂',
        'NaN',
      ]);
    case 4:
      return pick(rand, ['INBOUND', 'ENDING', 'call-state', 'announce', 'withdraw', 'LINE', 'RINGING']);
    case 5:
      return String(Math.floor(rand() * 1e9));
    case 6:
      return Array.from({ length: Math.floor(rand() * 4) }, () => randomValue(rand, depth + 1));
    default: {
      const out: Record<string, unknown> = {};
      for (let i = Math.floor(rand() * 4); i > 0; i--) {
        out[pick(rand, ['data', 'content', 'type', 'id', 'state', 'metadata', '__proto__', 'constructor'])] =
          randomValue(rand, depth + 1);
      }
      return out;
    }
  }
}

/** Paths to every member of a JSON value. */
function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const path = [...prefix, Array.isArray(value) ? Number(key) : key];
      out.push(path);
      paths(child, path, out);
    }
  }
  return out;
}

/** A deep copy of `base` with one to three members deleted, retyped or replaced by random values. */
export function mutate(rand: Rand, base: unknown): unknown {
  const copy = structuredClone(base) as Record<string, unknown>;
  const all = paths(copy);
  for (let n = 1 + Math.floor(rand() * 3); n > 0 && all.length > 0; n--) {
    const path = pick(rand, all);
    let parent: Record<string | number, unknown> = copy;
    for (const key of path.slice(0, -1)) {
      const next = parent[key];
      if (next === null || typeof next !== 'object') {
        break;
      }
      parent = next as Record<string | number, unknown>;
    }
    const last = path.at(-1)!;
    if (rand() < 0.3) {
      delete parent[last];
    } else {
      parent[last] = randomValue(rand);
    }
  }
  return copy;
}
