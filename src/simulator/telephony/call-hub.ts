// Fan-out of what the call engine produces: Call Events states, ended conversations and legacy dialog changes.
import type { Conversation, EmittedState } from './conversation.ts';

export interface CallListener {
  /** A new state of a conversation was produced (numbered whether or not anyone receives it, §11 #8). */
  onState?(conversation: Conversation, state: EmittedState): void;
  /** A conversation emitted ENDING. */
  onEnded?(conversation: Conversation): void;
  /** After each state: the parties of the whole call changed (legacy Realtime derives dialogs from this). */
  onCallChanged?(call: CallRecord): void;
}

/** One simulated call: one or more conversations (a warm transfer has two) and their legacy dialog identity. */
export interface CallRecord {
  readonly id: string;
  readonly scenario: string;
  readonly accountKey: string;
  readonly organizationId: string;
  /** Legacy `originatorId`: shared by every leg of the call (§4.5). */
  readonly originatorId: string;
  readonly conversations: Conversation[];
  readonly expected: { readonly outcome: string; readonly answeredBy: string | null };
  readonly startedAt: number;
  ended: boolean;
  recorded: boolean;
}

export class CallHub {
  private readonly listeners: CallListener[] = [];

  listen(listener: CallListener): void {
    this.listeners.push(listener);
  }

  state(call: CallRecord, conversation: Conversation, state: EmittedState): void {
    for (const listener of this.listeners) {
      listener.onState?.(conversation, state);
    }
    if (state.type === 'ENDING') {
      for (const listener of this.listeners) {
        listener.onEnded?.(conversation);
      }
    }
    for (const listener of this.listeners) {
      listener.onCallChanged?.(call);
    }
  }
}
