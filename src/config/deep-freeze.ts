// Freezes a parsed config all the way down, so no part can change what another part was handed.

/** Freezes `value` and every object and array it holds (already frozen ones too: their insides may not be). */
export function deepFreeze<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) {
    return value;
  }
  seen.add(value);
  for (const inner of Object.values(value)) {
    deepFreeze(inner, seen);
  }
  return Object.freeze(value);
}
