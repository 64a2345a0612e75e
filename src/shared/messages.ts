// The card and the push protocol between server/ and the browser app (web/ imports only this folder).

export type CardPhase = 'ringing' | 'connected' | 'ended';
export type CardOutcome = 'answered' | 'missed' | 'abandoned';

export interface CardTicket {
  readonly id: string;
  readonly title: string;
  readonly status: string;
  readonly url: string | null;
}

export interface CardContact {
  readonly id: string;
  readonly name: string;
  readonly company: string | null;
  readonly email: string | null;
  readonly tier: string | null;
  readonly tags: readonly string[];
  readonly recordUrl: string | null;
  readonly tickets: readonly CardTicket[];
  readonly appointments: readonly { readonly at: number; readonly title: string }[];
}

export interface CardMatch {
  readonly contact: CardContact;
  readonly score: number;
  /** "exact E.164", "last 7 digits", "pinned", "from CRM". */
  readonly reason: string;
  readonly pinned: boolean;
}

export interface CardLastCall {
  readonly callId: string;
  readonly at: number;
  readonly outcome: CardOutcome;
  readonly answeredByName: string | null;
  readonly notes: string | null;
  readonly disposition: string | null;
}

export interface CardLine {
  readonly lineId: string;
  readonly extension: string | null;
  readonly name: string | null;
  readonly state: 'ringing' | 'connected' | 'held' | 'gone';
}

export interface Card {
  readonly callId: string;
  /** Grows with every update of this card; the browser ignores an update older than what it shows. */
  readonly version: number;
  readonly direction: 'inbound' | 'outbound' | 'internal';
  readonly phase: CardPhase;
  readonly outcome: CardOutcome | null;
  /** True when the call ended unanswered right after the GoTo connection was down: `outcome` is a guess. */
  readonly outcomeUnknown?: boolean;
  readonly caller: {
    /** For display: E.164 formatted internationally, or the raw number, or "Withheld". */
    readonly display: string;
    readonly e164: string | null;
    /** Untrusted caller-ID text: render as text only. */
    readonly name: string | null;
    readonly withheld: boolean;
  };
  readonly dialed: string | null;
  readonly queue: string | null;
  readonly lines: readonly CardLine[];
  readonly answeredBy: CardLine | null;
  readonly startedAt: number;
  readonly answeredAt: number | null;
  readonly endedAt: number | null;
  readonly lookup: {
    /** pending: sources still answering; done: all answered; partial: budget ran out, some failed. */
    readonly status: 'pending' | 'done' | 'partial';
    readonly matches: readonly CardMatch[];
    /** Set when there is no usable number ("withheld", "invalid number") or nothing matched ("no match"). */
    readonly unknownReason: string | null;
  };
  readonly history: { readonly lastCall: CardLastCall | null; readonly callsLast30Days: number };
  readonly urgency: { readonly level: 'none' | 'elevated' | 'urgent'; readonly reason: string | null };
  /** Buttons from the configured URL templates, already filled in. */
  readonly links: readonly { readonly label: string; readonly url: string }[];
  /** Notes saved after this call. */
  readonly notes: { readonly text: string | null; readonly disposition: string | null } | null;
}

/** Server → browser. `cursor` is a per-agent sequence number; the browser resumes from the last one it saw. */
export type ServerMessage =
  | { readonly type: 'hello'; readonly principal: string; readonly cursor: number }
  | { readonly type: 'card'; readonly cursor: number; readonly card: Card }
  | { readonly type: 'resumed'; readonly cursor: number; readonly replayed: number }
  | { readonly type: 'error'; readonly code: string; readonly message: string };

/** Browser → server. */
export type ClientMessage = { readonly type: 'resume'; readonly cursor: number } | { readonly type: 'ping' };
