// How a call's record in a CRM reads in the history list: "logged to HubSpot", "logging to HubSpot…",
// "logging failed: <why>" (with a retry).
import type { CrmLogStatus } from '../../../src/shared/api.ts';

const KNOWN: Readonly<Record<string, string>> = {
  hubspot: 'HubSpot',
  pipedrive: 'Pipedrive',
  zendesk: 'Zendesk',
  freshdesk: 'Freshdesk',
  salesforce: 'Salesforce',
};

/** The provider's configured name as people write it ("hubspot" → "HubSpot"); other names as configured. */
export function crmLabel(provider: string): string {
  return KNOWN[provider.toLowerCase()] ?? provider;
}

export function crmLogText(s: CrmLogStatus): string {
  const crm = crmLabel(s.provider);
  switch (s.status) {
    case 'logged':
      return `logged to ${crm}`;
    case 'pending':
      return s.error === null ? `logging to ${crm}…` : `logging to ${crm}, retrying: ${s.error}`;
    case 'failed':
      return `logging to ${crm} failed: ${s.error ?? 'unknown error'}`;
  }
}

/** The ids of a page of calls as the query of GET /api/crm-log. */
export function crmLogUrl(callIds: readonly string[]): string {
  return `/api/crm-log?${new URLSearchParams({ calls: callIds.join(',') }).toString()}`;
}
