// Unsaved notes survive a reload of the tab: drafts in sessionStorage, keyed by call id, dropped once saved.
export interface Draft {
  readonly text: string;
  readonly disposition: string;
}

export interface DraftStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

const key = (callId: string): string => `screenpop:draft:${callId}`;

export function loadDraft(storage: DraftStorage, callId: string): Draft | null {
  try {
    const v: unknown = JSON.parse(storage.getItem(key(callId)) ?? 'null');
    if (typeof v === 'object' && v !== null) {
      const { text, disposition } = v as Record<string, unknown>;
      if (typeof text === 'string' && typeof disposition === 'string') {
        return { text, disposition };
      }
    }
  } catch {
    // a broken entry is no draft
  }
  return null;
}

export function saveDraft(storage: DraftStorage, callId: string, draft: Draft): void {
  try {
    storage.setItem(key(callId), JSON.stringify(draft));
  } catch {
    // storage full or disabled: the draft lives only in the form
  }
}

export function clearDraft(storage: DraftStorage, callId: string): void {
  storage.removeItem(key(callId));
}

/** sessionStorage when the browser allows it, else a throwaway map. */
export function sessionDrafts(): DraftStorage {
  try {
    return sessionStorage;
  } catch {
    const m = new Map<string, string>();
    return {
      getItem: (k) => m.get(k) ?? null,
      setItem: (k, v) => void m.set(k, v),
      removeItem: (k) => void m.delete(k),
    };
  }
}
