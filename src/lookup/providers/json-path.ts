// A tiny path syntax for provider responses: "data.0.name", "contact.emails.0", "results[].company".
// `[]` after a segment means "each element of this list"; numbers index arrays.

export interface PathSegment {
  readonly key: string;
  readonly each: boolean;
}

export type Path = readonly PathSegment[];

const SEGMENT = /^[^.[\]]+(\[\])?$/;

/** Parses a path; throws a short message for the config error list when it is malformed. */
export function parsePath(text: string): Path {
  if (text.trim() === '') {
    throw new Error('empty path');
  }
  return text.split('.').map((part) => {
    if (!SEGMENT.test(part)) {
      throw new Error(`bad path segment "${part}" in "${text}"`);
    }
    return part.endsWith('[]') ? { key: part.slice(0, -2), each: true } : { key: part, each: false };
  });
}

function step(value: unknown, key: string): unknown {
  if (Array.isArray(value)) {
    return /^\d+$/.test(key) ? value[Number(key)] : undefined;
  }
  if (value !== null && typeof value === 'object' && Object.hasOwn(value, key)) {
    return (value as Record<string, unknown>)[key];
  }
  return undefined;
}

/** Every value the path reaches (several when it crosses a `[]`); missing branches are skipped. */
export function readPath(root: unknown, path: Path): unknown[] {
  let current: unknown[] = [root];
  for (const segment of path) {
    const next: unknown[] = [];
    for (const value of current) {
      const child = step(value, segment.key);
      if (child === undefined) {
        continue;
      }
      if (segment.each) {
        if (Array.isArray(child)) {
          next.push(...child);
        }
      } else {
        next.push(child);
      }
    }
    current = next;
  }
  return current;
}

/** Index of the first `[]` segment, or -1. */
export function listIndex(path: Path): number {
  return path.findIndex((s) => s.each);
}

export function pathText(path: Path): string {
  return path.map((s) => (s.each ? `${s.key}[]` : s.key)).join('.');
}
