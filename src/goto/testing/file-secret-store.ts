// Test helper: a real SecretStore that persists blobs in one JSON file (until src/store's lands for tests).
import { readFile, writeFile } from 'node:fs/promises';
import type { SecretStore } from '../ports.ts';

export class FileSecretStore implements SecretStore {
  constructor(readonly path: string) {}

  async #read(): Promise<Record<string, string>> {
    try {
      return JSON.parse(await readFile(this.path, 'utf8')) as Record<string, string>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        return {};
      }
      throw error;
    }
  }

  async getSecret(key: string): Promise<string | null> {
    return (await this.#read())[key] ?? null;
  }

  async putSecret(key: string, value: string): Promise<void> {
    const all = await this.#read();
    all[key] = value;
    await writeFile(this.path, JSON.stringify(all));
  }

  async putSecretIfAbsent(key: string, value: string): Promise<string> {
    const stored = await this.getSecret(key);
    if (stored !== null) {
      return stored;
    }
    await this.putSecret(key, value);
    return value;
  }

  async deleteSecret(key: string): Promise<void> {
    const all = await this.#read();
    delete all[key];
    await writeFile(this.path, JSON.stringify(all));
  }
}
