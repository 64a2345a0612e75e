// The audit trail of the edge: who changed what (data routes) and who was shown which caller's card (push).
import type { FastifyBaseLogger } from 'fastify';
import type { AuditStore } from './ports.ts';
import type { AuditEntry } from '../shared/api.ts';
import type { Card } from '../shared/messages.ts';

/** (agent, call) pairs remembered so a card counts as viewed once, not once per update or tab. */
const MAX_REMEMBERED_VIEWS = 100_000;

export type AuditEvent = Omit<AuditEntry, 'id' | 'at'>;

export class Auditor {
  private readonly viewed = new Set<string>();

  constructor(
    private readonly store: AuditStore | null,
    private readonly log: FastifyBaseLogger,
    private readonly now: () => number,
  ) {}

  /** Records a change; awaited by the route so the entry exists when the answer goes out. */
  async record(event: AuditEvent): Promise<void> {
    await this.store?.record({ ...event, at: this.now() });
  }

  /** The card reached one of the agent's screens: recorded the first time per call, without holding up the push. */
  cardShown(principal: string, card: Card): void {
    if (this.store === null) {
      return;
    }
    const key = `${principal}\n${card.callId}`;
    if (this.viewed.has(key)) {
      return;
    }
    if (this.viewed.size >= MAX_REMEMBERED_VIEWS) {
      this.viewed.clear();
    }
    this.viewed.add(key);
    const event: AuditEvent = {
      actor: principal,
      action: 'card.viewed',
      targetType: 'call',
      targetId: card.callId,
      detail: card.caller.e164 ?? card.caller.display,
    };
    this.record(event).catch((error: unknown) => {
      this.log.error({ callId: card.callId, principal, reason: String(error) }, 'audit entry not written');
    });
  }
}

/** A spreadsheet runs a cell that starts with = + - @ (or a tab / CR before one): make it plain text. */
export function neutralizeCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

function csvCell(value: string | number | null): string {
  const text = neutralizeCell(value === null ? '' : String(value));
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const AUDIT_CSV_HEADER = ['time', 'actor', 'action', 'target_type', 'target_id', 'detail'];

/** RFC 4180 CSV of audit entries (CRLF line ends, ISO times), every cell neutralized against formulas. */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = entries.map((e) => [
    new Date(e.at).toISOString(),
    e.actor,
    e.action,
    e.targetType,
    e.targetId,
    e.detail,
  ]);
  return [AUDIT_CSV_HEADER, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
