// Lookup settings: providers, link templates and urgency rules parsed together (every problem listed) by the
// config loader, and the lookup service built from what it parsed.
import type { Registry } from 'prom-client';
import type { Clock } from '../calls/ports.ts';
import type { PhoneOptions } from '../phone/phone.ts';
import { createCallerLookup } from './caller-lookup.ts';
import type { CallerLookup } from './caller-lookup.ts';
import { parseLinkTemplates } from './links.ts';
import type { LinkTemplate } from './links.ts';
import type { CallLogStore, ContactStore, PinStore } from './ports.ts';
import { LookupConfigError, parseProviders } from './providers/provider-config.ts';
import { createProvider } from './providers/provider-kinds.ts';
import type { ProviderConfig } from './providers/provider-config.ts';
import type { LookupLog } from './provider-runner.ts';
import { parseUrgencyRules } from './urgency.ts';
import type { UrgencyRule } from './urgency.ts';

export { LookupConfigError } from './providers/provider-config.ts';

export interface LookupSettingsText {
  readonly providersJson: string;
  readonly linkTemplatesJson: string;
  readonly urgencyRulesJson?: string;
}

export interface LookupSettings {
  readonly providers: readonly ProviderConfig[];
  readonly linkTemplates: readonly LinkTemplate[];
  readonly urgencyRules: readonly UrgencyRule[];
}

/** What the lookup receives from the config: its settings, parsed once, and the time budget. */
export interface LookupConfig extends LookupSettings {
  readonly budgetMs: number;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Every problem of the three JSON variables (empty when all are valid). */
export function lookupConfigProblems(text: LookupSettingsText, env: Env): string[] {
  try {
    parseLookupSettings(text, env);
    return [];
  } catch (error) {
    return error instanceof LookupConfigError ? [...error.problems] : [String(error)];
  }
}

/** Parses the three JSON variables; throws LookupConfigError listing every problem of all of them. */
export function parseLookupSettings(text: LookupSettingsText, env: Env): LookupSettings {
  const problems: string[] = [];
  let providers: ProviderConfig[] = [];
  try {
    providers = parseProviders(text.providersJson, env);
  } catch (error) {
    problems.push(...(error instanceof LookupConfigError ? error.problems : [String(error)]));
  }
  const links = parseLinkTemplates(text.linkTemplatesJson);
  const urgency = parseUrgencyRules(text.urgencyRulesJson ?? '');
  problems.push(...links.problems, ...urgency.problems);
  if (problems.length > 0) {
    throw new LookupConfigError(problems);
  }
  return { providers, linkTemplates: links.templates, urgencyRules: urgency.rules };
}

export interface LookupDeps {
  readonly contacts: Pick<ContactStore, 'findPhones' | 'getMany' | 'findContactsByPhone'>;
  readonly pins: Pick<PinStore, 'getPin'>;
  readonly callLog: Pick<CallLogStore, 'history'>;
  readonly clock: Clock;
  readonly log?: LookupLog;
  /** The registry /metrics exposes. */
  readonly registry?: Registry;
}

/** The composition root's one call: parsed lookup config + phone options + stores → the caller-lookup service. */
export function createCallerLookupFromConfig(
  config: LookupConfig,
  phone: PhoneOptions,
  deps: LookupDeps,
): CallerLookup {
  return createCallerLookup({
    ...deps,
    providers: config.providers.map((p) => createProvider(p, deps.clock)),
    budgetMs: config.budgetMs,
    phone,
    urgencyRules: config.urgencyRules,
    linkTemplates: config.linkTemplates,
  });
}
