// Pending sign-ins: the OAuth `state` and PKCE verifier, kept server-side for ten minutes and usable once.
import { createHash } from 'node:crypto';
import type { PendingSignIn } from './ports.ts';

export const LOGIN_COOKIE = 'screenpop_login';
const TTL_MS = 10 * 60_000;
const MAX_PENDING = 10_000;

export interface PendingLogin {
  readonly signIn: PendingSignIn;
  readonly createdAt: number;
}

/** RFC 7636 S256: BASE64URL(SHA256(verifier)). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export class LoginStates {
  private readonly pending = new Map<string, PendingLogin>();

  constructor(private readonly now: () => number) {}

  /** Keeps a started sign-in under its state. */
  keep(signIn: PendingSignIn): void {
    this.sweep();
    this.pending.set(signIn.state, { signIn, createdAt: this.now() });
  }

  /** Removes and returns the pending login for `state` if it exists and is fresh. */
  take(state: string): PendingLogin | null {
    const login = this.pending.get(state);
    this.pending.delete(state);
    if (login === undefined || this.now() - login.createdAt > TTL_MS) {
      return null;
    }
    return login;
  }

  private sweep(): void {
    const now = this.now();
    for (const [state, login] of this.pending) {
      if (now - login.createdAt > TTL_MS) {
        this.pending.delete(state);
      }
    }
    // A flood of /auth/login must not grow memory without bound: drop the oldest.
    while (this.pending.size >= MAX_PENDING) {
      const oldest = this.pending.keys().next().value;
      if (oldest === undefined) {
        break;
      }
      this.pending.delete(oldest);
    }
  }
}
