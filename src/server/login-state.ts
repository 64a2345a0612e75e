// Pending sign-ins: the OAuth `state` and PKCE verifier ride in the browser's own httpOnly cookie, sealed with
// AES-256-GCM, for ten minutes and usable once. Nothing is kept server-side, so a flood of GET /auth/login
// cannot push out a real user's sign-in, and a sign-in started on one instance finishes on another.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { PendingSignIn } from './ports.ts';

export const LOGIN_COOKIE = 'screenpop_login';
export const LOGIN_TTL_MS = 10 * 60_000;
/** Completed states remembered per instance, so a replayed callback is refused (GoTo refuses a reused code too). */
const MAX_USED = 50_000;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface PendingLogin {
  readonly signIn: PendingSignIn;
  readonly createdAt: number;
}

const sealedLogin = z.object({
  url: z.string(),
  state: z.string(),
  codeVerifier: z.string(),
  redirectUri: z.string(),
  createdAt: z.number(),
});

/** RFC 7636 S256: BASE64URL(SHA256(verifier)). */
export function pkceChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export class LoginStates {
  /** Completed states and when they were completed, oldest first. */
  private readonly used = new Map<string, number>();

  /** @param key 32 bytes shared by every instance (see login-key.ts) */
  constructor(
    private readonly key: Uint8Array,
    private readonly now: () => number,
  ) {
    if (key.length !== 32) {
      throw new Error('the login cookie key must be 32 bytes');
    }
  }

  /** The cookie value carrying this started sign-in. */
  seal(signIn: PendingSignIn): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const { url, state, codeVerifier, redirectUri } = signIn;
    const plain = JSON.stringify({ url, state, codeVerifier, redirectUri, createdAt: this.now() });
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /**
   * The pending sign-in of this cookie if it is ours, fresh, for `state`, and not completed before; it is then
   * marked completed. Null for a missing, forged, expired, foreign or replayed one.
   */
  take(cookie: string | undefined, state: string): PendingLogin | null {
    const login = cookie === undefined ? null : this.open(cookie);
    if (login === null || login.signIn.state !== state || this.now() - login.createdAt > LOGIN_TTL_MS) {
      return null;
    }
    this.sweep();
    if (this.used.has(state)) {
      return null;
    }
    this.used.set(state, this.now());
    return login;
  }

  private open(cookie: string): PendingLogin | null {
    const raw = Buffer.from(cookie, 'base64url');
    if (raw.length <= IV_BYTES + TAG_BYTES) {
      return null;
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      const parsed = sealedLogin.safeParse(JSON.parse(plain.toString('utf8')));
      if (!parsed.success) {
        return null;
      }
      const { createdAt, ...signIn } = parsed.data;
      return { signIn, createdAt };
    } catch {
      return null; // not sealed with our key, or altered
    }
  }

  private sweep(): void {
    const now = this.now();
    for (const [state, at] of this.used) {
      if (now - at <= LOGIN_TTL_MS && this.used.size < MAX_USED) {
        break;
      }
      this.used.delete(state);
    }
  }
}
