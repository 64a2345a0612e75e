// Counts the global fetch calls made while a test runs (the GoTo client's requests must go through its transport).
import type { TestContext } from 'node:test';

/** Wraps globalThis.fetch for the rest of the test; the returned function reads the count so far. */
export function countFetches(t: TestContext): () => number {
  const realFetch = globalThis.fetch;
  let fetches = 0;
  globalThis.fetch = (...args: Parameters<typeof fetch>) => {
    fetches += 1;
    return realFetch(...args);
  };
  t.after(() => {
    globalThis.fetch = realFetch;
  });
  return () => fetches;
}
