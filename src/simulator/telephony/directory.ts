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

function routeKey(
  accountKey: string,
  route:
    { readonly kind: 'line'; readonly lineId: string } | { readonly kind: 'queue'; readonly queueId: string },
): string {
  return route.kind === 'line'
    ? `${accountKey}|line:${route.lineId}`
    : `${accountKey}|queue:${route.queueId}`;
}

/** First item per key, in directory order (what `Array.find` would return). */
function firstBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    if (!map.has(key(item))) {
      map.set(key(item), item);
    }
  }
  return map;
}

/**
 * Indexed once: a generated directory has thousands of lines and numbers, and every placed call resolves its
 * target here (a linear scan per call made the simulator, not screenpop, the bottleneck of a load test).
 */
export class DirectoryView {
  private readonly linesByExtension: Map<string, SimLine>;
  private readonly linesById: Map<string, SimLine>;
  private readonly usersByKey: Map<string, SimUser>;
  private readonly numbers: Map<string, SimPhoneNumber>;
  /** `accountKey|line:ID` or `accountKey|queue:ID` → the first number routed there. */
  private readonly numbersByRoute: Map<string, SimPhoneNumber>;
  private readonly queuesById: Map<string, SimQueue>;
  private readonly queuesByExtension: Map<string, SimQueue>;
  private readonly mainNumbers = new Map<string, SimPhoneNumber | undefined>();

  constructor(private readonly directory: SimDirectory) {
    this.linesByExtension = firstBy(directory.lines, (l) => l.extension);
    this.linesById = firstBy(directory.lines, (l) => l.id);
    this.usersByKey = firstBy(directory.users, (u) => u.userKey);
    this.numbers = firstBy(directory.phoneNumbers, (p) => p.number);
    this.numbersByRoute = firstBy(directory.phoneNumbers, (p) => routeKey(p.accountKey, p.routesTo));
    this.queuesById = firstBy(directory.queues, (q) => q.id);
    this.queuesByExtension = firstBy(directory.queues, (q) => q.extension);
  }

  lineByExtension(extension: string, accountKey?: string): SimLine | undefined {
    const first = this.linesByExtension.get(extension);
    if (first === undefined || accountKey === undefined || first.accountKey === accountKey) {
      return first;
    }
    // The same extension in another account (extensions are unique per account only).
    return this.directory.lines.find((l) => l.extension === extension && l.accountKey === accountKey);
  }

  lineById(id: string): SimLine | undefined {
    return this.linesById.get(id);
  }

  userOf(line: SimLine): SimUser | null {
    return this.usersByKey.get(line.userKey) ?? null;
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
    if (!this.mainNumbers.has(accountKey)) {
      const own = this.directory.phoneNumbers.filter((p) => p.accountKey === accountKey);
      this.mainNumbers.set(accountKey, own.find((p) => p.routesTo.kind === 'queue') ?? own[0]);
    }
    return this.mainNumbers.get(accountKey);
  }

  private didFor(
    route: { kind: 'line'; lineId: string } | { kind: 'queue'; queueId: string },
    accountKey: string,
  ) {
    return this.numbersByRoute.get(routeKey(accountKey, route)) ?? this.mainNumber(accountKey) ?? null;
  }

  /** `to` of an inbound scenario: a company DID (any spelling), a line extension or a queue extension. */
  resolveInbound(to: string, e164: string | null): Target | null {
    const phoneNumber = (e164 === null ? undefined : this.numbers.get(e164)) ?? this.numbers.get(to);
    if (phoneNumber !== undefined) {
      const route = phoneNumber.routesTo;
      if (route.kind === 'line') {
        const line = this.lineById(route.lineId);
        return line === undefined ? null : { kind: 'line', line, phoneNumber };
      }
      const queue = this.queuesById.get(route.queueId);
      return queue === undefined ? null : { kind: 'queue', queue, phoneNumber, dialPlanId: route.dialPlanId };
    }
    const line = this.lineByExtension(to);
    if (line !== undefined) {
      const did = this.didFor({ kind: 'line', lineId: line.id }, line.accountKey);
      return { kind: 'line', line, phoneNumber: did };
    }
    const queue = this.queuesByExtension.get(to);
    if (queue !== undefined) {
      const did = this.didFor({ kind: 'queue', queueId: queue.id }, queue.accountKey);
      return { kind: 'queue', queue, phoneNumber: did, dialPlanId: null };
    }
    return null;
  }

  queueLines(queue: SimQueue): SimLine[] {
    return queue.lineIds.map((id) => this.lineById(id)).filter((l): l is SimLine => l !== undefined);
  }
}
