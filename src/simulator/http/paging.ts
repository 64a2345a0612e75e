// pageSize / pageMarker pagination of GoTo list endpoints (goto-protocol.md §0.4): nextPageMarker absent on the last page.
import { z } from 'zod';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

const pagingQuery = z.object({
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  pageMarker: z
    .string()
    .regex(/^p\d+$/)
    .optional(),
});

export type Page<T> =
  | { readonly ok: true; readonly items: readonly T[]; readonly nextPageMarker?: string }
  | { readonly ok: false; readonly field: string; readonly message: string };

/** Markers are opaque to clients; here "p<offset>". */
export function paginate<T>(items: readonly T[], query: unknown): Page<T> {
  const parsed = pagingQuery.safeParse(query ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      field: String(issue?.path[0] ?? 'pageSize'),
      message: `pageSize must be 1..${MAX_PAGE_SIZE} and pageMarker a marker from a previous page`,
    };
  }
  const size = parsed.data.pageSize ?? DEFAULT_PAGE_SIZE;
  const offset = parsed.data.pageMarker === undefined ? 0 : Number(parsed.data.pageMarker.slice(1));
  const end = offset + size;
  const page = items.slice(offset, end);
  return end < items.length
    ? { ok: true, items: page, nextPageMarker: `p${end}` }
    : { ok: true, items: page };
}
