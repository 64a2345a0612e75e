// Ports the GoTo client depends on: where tokens live between restarts.
/** OAuth tokens for one GoTo principal, as the client keeps them (plain; encryption happens below the port). */
export interface StoredTokens {
  readonly accessToken: string;
  readonly refreshToken: string | null;
  /** Epoch ms when the access token expires. */
  readonly expiresAt: number;
  readonly scope: string;
  /** The GoTo user (email) the tokens stand for. */
  readonly principal: string | null;
}

/**
 * Opaque encrypted blobs by key. store/ persists them in the database; goto/token-vault.ts encrypts with
 * AES-256-GCM before they reach it, so the database never holds a token in clear.
 */
export interface SecretStore {
  getSecret(key: string): Promise<string | null>;
  putSecret(key: string, value: string): Promise<void>;
  /**
   * Stores `value` unless the key holds one already, and returns what the key holds afterwards: instances
   * starting at once on an empty database all end up with the first one's value (login key, vault marker).
   */
  putSecretIfAbsent(key: string, value: string): Promise<string>;
  deleteSecret(key: string): Promise<void>;
}
