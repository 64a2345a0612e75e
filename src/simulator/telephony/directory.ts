// Look-ups in the seeded directory that the call engine needs: numbers, extensions, queues, line parties.
import type { SimDirectory, SimLine, SimPhoneNumber, SimQueue, SimUser } from '../context.ts';
import type { LineParty } from './conversation.ts';

export type Target =
  | { readonly kind: 'line'; readonly line: SimLine; readonly phoneNumber: SimPhoneNumber | null }
  | {
      readonly kind: 'queue';
      readonly queue: SimQueue;
      readonly phoneNumber: SimPhoneNumber | null;
      readonly dialPlanId: string | null;
    };

export class DirectoryView {
  constructor(private readonly directory: SimDirectory) {}

  lineByExtension(extension: string, accountKey?: string): SimLine | undefined {
    return this.directory.lines.find(
      (l) => l.extension === extension && (accountKey === undefined || l.accountKey === accountKey),
    );
  }

  lineById(id: string): SimLine | undefined {
    return this.directory.lines.find((l) => l.id === id);
  }

  userOf(line: SimLine): SimUser | null {
    return this.directory.users.find((u) => u.userKey === line.userKey) ?? null;
  }

  organizationOf(accountKey: string): string {
    return this.directory.accounts.find((a) => a.key === accountKey)?.organizationId ?? '';
  }

  /** Every device of a line as a LINE party (a two-device line rings twice). */
  parties(line: SimLine): LineParty[] {
    const user = this.userOf(line);
    return line.devices.map((device) => ({ kind: 'LINE', line, device, user }));
  }

  /** The DID an account shows as caller ID: its number routed to a dial plan or queue, else its first. */
  mainNumber(accountKey: string): SimPhoneNumber | undefined {
    const own = this.directory.phoneNumbers.filter((p) => p.accountKey === accountKey);
    return own.find((p) => p.routesTo.kind === 'queue') ?? own[0];
  }

  private didFor(predicate: (p: SimPhoneNumber) => boolean, accountKey: string): SimPhoneNumber | null {
    return (
      this.directory.phoneNumbers.find((p) => p.accountKey === accountKey && predicate(p)) ??
      this.mainNumber(accountKey) ??
      null
    );
  }

  /** `to` of an inbound scenario: a company DID (any spelling), a line extension or a queue extension. */
  resolveInbound(to: string, e164: string | null): Target | null {
    const phoneNumber = this.directory.phoneNumbers.find((p) => p.number === e164 || p.number === to);
    if (phoneNumber !== undefined) {
      const route = phoneNumber.routesTo;
      if (route.kind === 'line') {
        const line = this.lineById(route.lineId);
        return line === undefined ? null : { kind: 'line', line, phoneNumber };
      }
      const queue = this.directory.queues.find((q) => q.id === route.queueId);
      return queue === undefined ? null : { kind: 'queue', queue, phoneNumber, dialPlanId: route.dialPlanId };
    }
    const line = this.lineByExtension(to);
    if (line !== undefined) {
      const did = this.didFor(
        (p) => p.routesTo.kind === 'line' && p.routesTo.lineId === line.id,
        line.accountKey,
      );
      return { kind: 'line', line, phoneNumber: did };
    }
    const queue = this.directory.queues.find((q) => q.extension === to);
    if (queue !== undefined) {
      const did = this.didFor(
        (p) => p.routesTo.kind === 'queue' && p.routesTo.queueId === queue.id,
        queue.accountKey,
      );
      return { kind: 'queue', queue, phoneNumber: did, dialPlanId: null };
    }
    return null;
  }

  queueLines(queue: SimQueue): SimLine[] {
    return queue.lineIds.map((id) => this.lineById(id)).filter((l): l is SimLine => l !== undefined);
  }
}
