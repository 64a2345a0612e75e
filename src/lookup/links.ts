// SCREENPOP_LINK_TEMPLATES: card buttons from URL templates, filled with the call's values, URL-encoded.
import { z } from 'zod';

const PLACEHOLDERS = ['e164', 'national', 'contactId', 'externalId', 'callId'] as const;
type Placeholder = (typeof PLACEHOLDERS)[number];

const templateSchema = z
  .object({ label: z.string().trim().min(1).max(60), url: z.string().min(1) })
  .strict()
  .superRefine((t, ctx) => {
    const unknown = [...t.url.matchAll(/\{([^}]*)\}/g)]
      .map((m) => m[1] ?? '')
      .filter((p) => !(PLACEHOLDERS as readonly string[]).includes(p));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: `unknown placeholder {${unknown.join('}, {')}}`,
      });
    }
    const sample = t.url.replace(/\{[^}]*\}/g, 'x');
    if (!URL.canParse(sample) || !/^https?:$/.test(new URL(sample).protocol)) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'must be an http(s) URL template' });
    }
  });

export type LinkTemplate = z.infer<typeof templateSchema>;

export function parseLinkTemplates(json: string): { templates: LinkTemplate[]; problems: string[] } {
  const variable = 'SCREENPOP_LINK_TEMPLATES';
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { templates: [], problems: [`${variable}: not valid JSON`] };
  }
  if (!Array.isArray(raw)) {
    return { templates: [], problems: [`${variable}: must be a JSON array`] };
  }
  const templates: LinkTemplate[] = [];
  const problems: string[] = [];
  raw.forEach((entry: unknown, i) => {
    const parsed = templateSchema.safeParse(entry);
    if (parsed.success) {
      templates.push(parsed.data);
      return;
    }
    for (const issue of parsed.error.issues) {
      problems.push(`${variable}[${i}]${issue.path.map((p) => `.${String(p)}`).join('')}: ${issue.message}`);
    }
  });
  return { templates, problems };
}

export type LinkValues = Readonly<Record<Placeholder, string | null>>;

/** Fills each template; a link whose placeholder has no value (no contact yet, no number) is left off. */
export function fillLinks(
  templates: readonly LinkTemplate[],
  values: LinkValues,
): { label: string; url: string }[] {
  return templates.flatMap((t) => {
    let missing = false;
    const url = t.url.replace(/\{([A-Za-z0-9_]+)\}/g, (_, key: Placeholder) => {
      const value = values[key];
      if (value === null || value === undefined) {
        missing = true;
        return '';
      }
      return encodeURIComponent(value);
    });
    return missing ? [] : [{ label: t.label, url }];
  });
}
