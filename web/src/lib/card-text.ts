// Words for a card's state: phase label, who answered ("you" for my own lines), ringing lines.
import type { Card, CardLine } from '../../../src/shared/messages.ts';

export function lineLabel(line: Pick<CardLine, 'name' | 'extension' | 'lineId'>): string {
  if (line.name && line.extension) {
    return `${line.name} (${line.extension})`;
  }
  return line.name ?? (line.extension ? `ext ${line.extension}` : line.lineId);
}

/** "you" when the answering line is one of mine, else the line's name; null while nobody answered. */
export function answeredByText(card: Card, myLineIds: ReadonlySet<string>): string | null {
  const line = card.answeredBy;
  if (!line) {
    return null;
  }
  return myLineIds.has(line.lineId) ? 'you' : lineLabel(line);
}

/** True when one of my lines rang while screenpop was reconnecting: the card came late, already over. */
export function rangWhileAway(card: Card, myLineIds: ReadonlySet<string>): boolean {
  return card.lines.some((l) => l.rangUnheard === true && myLineIds.has(l.lineId));
}

/** Short phase label shown in the badge (data-phase carries the machine value). */
export function phaseLabel(card: Card): string {
  switch (card.phase) {
    case 'ringing':
      return 'Ringing';
    case 'connected':
      return 'Answered';
    case 'ended':
      if (card.outcomeUnknown === true) {
        return 'State unknown after a reconnect';
      }
      switch (card.outcome) {
        case 'missed':
          return 'Missed';
        case 'abandoned':
          return 'Abandoned';
        default:
          return 'Ended';
      }
  }
}

/**
 * Where the call rings right now, short enough for the card's corner: "your line", "your line and 2
 * others", "Sales (101)", "Sales (101), Support (102)", or "4 lines" for a wide queue.
 */
export function ringingLines(card: Card, myLineIds: ReadonlySet<string> = new Set()): string {
  const ringing = card.lines.filter((l) => l.state === 'ringing');
  const mine = ringing.filter((l) => myLineIds.has(l.lineId));
  const others = ringing.length - mine.length;
  if (mine.length > 0) {
    const me = mine.length === 1 ? 'your line' : 'your lines';
    return others === 0 ? me : `${me} and ${others} other${others === 1 ? '' : 's'}`;
  }
  return ringing.length > 2 ? `${ringing.length} lines` : ringing.map(lineLabel).join(', ');
}

export function outcomeText(outcome: 'answered' | 'missed' | 'abandoned'): string {
  switch (outcome) {
    case 'answered':
      return 'answered';
    case 'missed':
      return 'missed';
    case 'abandoned':
      return 'caller hung up';
  }
}
