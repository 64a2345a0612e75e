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

/** Short phase label shown in the badge (data-phase carries the machine value). */
export function phaseLabel(card: Card): string {
  switch (card.phase) {
    case 'ringing':
      return 'Ringing';
    case 'connected':
      return 'Answered';
    case 'ended':
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

/** The lines this call rings on right now, for "Ringing on Sales (101)". */
export function ringingLines(card: Card): string {
  return card.lines
    .filter((l) => l.state === 'ringing')
    .map(lineLabel)
    .join(', ');
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
