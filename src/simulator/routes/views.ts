// JSON views of directory entries, in the shapes of fixtures users/ and voice-admin/.
import type { SimAccount, SimDirectory, SimLine, SimPhoneNumber, SimUser } from '../context.ts';
import { directoryLookups } from '../directory/lookups.ts';

/** A line as /users/v1/lines and /users/v1/users list it (fixtures users/lines.json). */
export function lineView(line: SimLine, account: SimAccount): Record<string, unknown> {
  return {
    id: line.id,
    name: line.name,
    number: line.extension,
    organization: { id: account.organizationId, name: account.name },
    accountKey: line.accountKey,
    primary: true,
    region: 'US',
  };
}

export function accountOf(directory: SimDirectory, key: string): SimAccount | undefined {
  return directoryLookups(directory).accountByKey(key);
}

export function linesOf(directory: SimDirectory, user: SimUser): Record<string, unknown>[] {
  const lookups = directoryLookups(directory);
  const account = lookups.accountByKey(user.accountKey);
  if (account === undefined) {
    return [];
  }
  return user.lineIds.flatMap((id) => {
    const line = lookups.lineById(id);
    return line === undefined ? [] : [lineView(line, account)];
  });
}

/** Caller-ID name as the carrier shows it: the account name in capitals, cut to 14 characters ("NORTHGATE APPL"). */
export function callerIdName(account: SimAccount | undefined): string {
  return (account?.name ?? '').toUpperCase().slice(0, 14).trim();
}

/** fixtures voice-admin/phone-numbers.json: routeTo.id is the dial plan (or queue) id, or the line id. */
export function phoneNumberView(
  phone: SimPhoneNumber,
  account: SimAccount | undefined,
): Record<string, unknown> {
  const target = phone.routesTo;
  const routeId = target.kind === 'line' ? target.lineId : (target.dialPlanId ?? target.queueId);
  return {
    id: phone.id,
    accountKey: phone.accountKey,
    organizationId: account?.organizationId ?? '',
    number: phone.number,
    name: phone.number,
    callerIdName: callerIdName(account),
    routeTo: { id: routeId, type: 'EXTENSION' },
    status: 'ACTIVE',
  };
}
