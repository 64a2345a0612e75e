// Urgency rules (SCREENPOP_URGENCY_RULES): repeat calls, call-backs after a miss, tiers and tags → a level and why.
import { z } from 'zod';
import type { CallLogEntry, Contact, Urgency, UrgencyLevel } from './types.ts';

const level = z.enum(['elevated', 'urgent']);

const ruleSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('repeat-calls'),
      /** Counting this call: 3 means "the 3rd call". */
      calls: z.number().int().min(2).max(50).default(3),
      withinMinutes: z.number().positive().max(10_080).default(60),
      level: level.default('urgent'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('callback-after-missed'),
      withinHours: z.number().positive().max(720).default(24),
      level: level.default('elevated'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('tier'),
      tiers: z.array(z.string().min(1)).min(1),
      level: level.default('elevated'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('tag'),
      tags: z.array(z.string().min(1)).min(1),
      level: level.default('elevated'),
    })
    .strict(),
]);

export type UrgencyRule = z.infer<typeof ruleSchema>;

export const DEFAULT_URGENCY_RULES: readonly UrgencyRule[] = Object.freeze([
  { kind: 'repeat-calls', calls: 3, withinMinutes: 60, level: 'urgent' },
  { kind: 'callback-after-missed', withinHours: 24, level: 'elevated' },
  { kind: 'tier', tiers: ['VIP', 'gold'], level: 'elevated' },
] satisfies UrgencyRule[]);

/** Parses SCREENPOP_URGENCY_RULES ('' → the defaults); returns the rules or one problem per bad entry. */
export function parseUrgencyRules(json: string): { rules: UrgencyRule[]; problems: string[] } {
  const variable = 'SCREENPOP_URGENCY_RULES';
  if (json.trim() === '') {
    return { rules: [...DEFAULT_URGENCY_RULES], problems: [] };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { rules: [], problems: [`${variable}: not valid JSON`] };
  }
  if (!Array.isArray(raw)) {
    return { rules: [], problems: [`${variable}: must be a JSON array`] };
  }
  const rules: UrgencyRule[] = [];
  const problems: string[] = [];
  raw.forEach((entry: unknown, i) => {
    const parsed = ruleSchema.safeParse(entry);
    if (parsed.success) {
      rules.push(parsed.data);
      return;
    }
    for (const issue of parsed.error.issues) {
      problems.push(`${variable}[${i}]${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`);
    }
  });
  return { rules, problems };
}

export function ordinal(n: number): string {
  const teen = n % 100 >= 11 && n % 100 <= 13;
  const suffix = teen ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

export interface UrgencyInput {
  readonly now: number;
  /** Past calls from this number, most recent first, without the current call. */
  readonly previous: readonly CallLogEntry[];
  /** The best match (pinned or top score), for tier and tag rules. */
  readonly contact: Pick<Contact, 'tier' | 'tags'> | null;
}

const RANK: Record<UrgencyLevel, number> = { none: 0, elevated: 1, urgent: 2 };

/** Why the rule fires, or null. */
function fire(rule: UrgencyRule, input: UrgencyInput): string | null {
  switch (rule.kind) {
    case 'repeat-calls': {
      const since = input.now - rule.withinMinutes * 60_000;
      const within = input.previous.filter((e) => e.startedAt >= since && e.startedAt <= input.now);
      const n = within.length + 1;
      const oldest = Math.min(...within.map((e) => e.startedAt));
      const minutes = Math.max(1, Math.ceil((input.now - oldest) / 60_000));
      return n >= rule.calls ? `${ordinal(n)} call in ${minutes} minutes` : null;
    }
    case 'callback-after-missed': {
      const last = input.previous[0];
      const recent = last !== undefined && last.startedAt >= input.now - rule.withinHours * 3_600_000;
      return recent && last.outcome !== 'answered' ? 'called back after a missed call' : null;
    }
    case 'tier': {
      const tier = input.contact?.tier ?? null;
      const hit = tier !== null && rule.tiers.some((t) => t.toLowerCase() === tier.toLowerCase());
      return hit ? `tier ${tier}` : null;
    }
    case 'tag': {
      const tags = input.contact?.tags ?? [];
      const tag = tags.find((t) => rule.tags.some((r) => r.toLowerCase() === t.toLowerCase()));
      return tag === undefined ? null : `tagged ${tag}`;
    }
  }
}

/** Pure: the highest level any rule reaches; among equals, the first rule in the configured order. */
export function evaluateUrgency(rules: readonly UrgencyRule[], input: UrgencyInput): Urgency {
  let best: Urgency = { level: 'none', reason: null };
  for (const rule of rules) {
    const reason = fire(rule, input);
    if (reason !== null && RANK[rule.level] > RANK[best.level]) {
      best = { level: rule.level, reason };
    }
  }
  return best;
}
