// Origin checks: the push socket and state-changing requests must come from screenpop's own pages.

/** "https://pop.example.com/x" → "https://pop.example.com". */
export function originOf(url: string): string {
  return new URL(url).origin;
}

/**
 * A cross-site WebSocket or form post carries the attacker's page as Origin. Browsers always send Origin on
 * WebSocket upgrades, so a missing one is refused there; on plain requests it may be absent (same-origin GET).
 */
export function originAllowed(origin: string | undefined, publicUrl: string, required: boolean): boolean {
  if (origin === undefined) {
    return !required;
  }
  try {
    return originOf(origin) === originOf(publicUrl);
  } catch {
    return false;
  }
}
