// pageSize / pageMarker paging shared by the list endpoints (§0.4); markers are opaque base64url offsets.
export interface Page<T> {
  readonly items: T[];
  readonly next: string | null;
}

export function pageOf<T>(
  all: readonly T[],
  query: { pageSize?: string; pageMarker?: string },
  defaultSize = 100,
  maxSize = 1000,
): Page<T> | null {
  const size = query.pageSize === undefined ? defaultSize : Number(query.pageSize);
  if (!Number.isInteger(size) || size < 1 || size > maxSize) {
    return null;
  }
  let offset = 0;
  if (query.pageMarker !== undefined && query.pageMarker !== '') {
    const decoded = Number(Buffer.from(query.pageMarker, 'base64url').toString('utf8').replace(/^o:/, ''));
    if (!Number.isInteger(decoded) || decoded < 0) {
      return null;
    }
    offset = decoded;
  }
  const items = all.slice(offset, offset + size);
  const end = offset + items.length;
  return { items, next: end < all.length ? Buffer.from(`o:${end}`).toString('base64url') : null };
}
