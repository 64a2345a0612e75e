// The SQL of the PostgreSQL push hub (push-hub.ts): the push_cards table of migration 0011, as plain statements.

/** Payload bytes a notification may carry rows in (PostgreSQL refuses 8,000 and more). */
const NOTIFY_ROOM = 7_900;

/**
 * Row bytes per notification: a batch is cut in id order where the running size crosses a multiple of this, so a
 * part holds at most this plus its first row, and fits NOTIFY_ROOM with rows up to ~2.9 kB (a part holding a
 * bigger one goes out as `{prev, max}` and its readers fetch).
 */
const PART_ROOM = 5_000;

/**
 * A string as a SQL literal, exactly as pg's `escapeLiteral` writes it ('' for ', and E'…' with \\ for \), by two
 * regular expressions instead of its loop adding one character at a time: the cards' JSON is most of a batch's
 * bytes (~1 MB/s at 200 calls/s), and the loop cost the leader ~0.1 ms of CPU a call.
 */
export function quoteLiteral(value: string): string {
  const quoted = `'${value.replace(/'/g, "''")}'`;
  return value.includes('\\') ? ` E${quoted.replace(/\\/g, '\\\\')}` : quoted;
}

/** One card update to write: the agent, and the card's call id, version and JSON. */
export interface CardRow {
  readonly principal: string;
  readonly callId: string;
  readonly version: number;
  readonly json: string;
}

/**
 * A whole batch as one simple-protocol query, so a write costs one round trip, not four (BEGIN, INSERT, NOTIFY,
 * COMMIT each waiting for the last): values go in as literals quoted by the driver's `escapeLiteral`.
 *
 * The advisory lock, held to the commit, makes ids come in commit order: a reader that has seen id N never later
 * finds a committed row below N (bigserial alone gives ids at insert time, and two transactions may commit in
 * the other order). Two-key form keyed by schema: tests sharing a database do not queue behind each other, and
 * the one-key locks of the test schemas (testing/targets.ts) never collide with it.
 *
 * One row per (agent, call), replaced only by a newer version, which takes a new id; then the written rows in id
 * order, cut into parts that fit NOTIFY's 8,000 bytes, one notification each: `{prev, max, rows}`, or `{prev, max}`
 * for a part that does not fit. `prev` is the newest id before the part (for the first part, before the batch:
 * under the lock, every earlier writer has committed): an instance that has delivered up to `prev` delivers `rows`
 * as they are, without a query; any other fetches after its last id. A transaction's notifications arrive in the
 * order they were sent (the ordered array below), so a reader keeps up part after part. No row changed → no
 * notification. `sent`: the writer's wall clock (epoch ms) when it sent the batch, for the readers' delivery time.
 */
export function writeBatch(
  rows: readonly CardRow[],
  at: number,
  sentAt: number,
  channel: string,
  literal: (value: string) => string,
): string {
  const texts = (values: readonly string[]) => `ARRAY[${values.map(literal).join(',')}]::text[]`;
  const ints = (values: readonly number[]) =>
    `ARRAY[${values.map((v) => String(Math.trunc(v))).join(',')}]::bigint[]`;
  return `
    BEGIN;
    SELECT pg_advisory_xact_lock(72730011, hashtext(current_schema()));
    WITH newest AS (SELECT coalesce(max(id), 0) AS id FROM push_cards),
    written AS (
      INSERT INTO push_cards AS kept (principal, call_id, version, card, at)
      SELECT principal, call_id, version, card, ${Math.trunc(at)}::bigint
        FROM unnest(${texts(rows.map((r) => r.principal))}, ${texts(rows.map((r) => r.callId))},
                    ${ints(rows.map((r) => r.version))}, ${texts(rows.map((r) => r.json))})
          WITH ORDINALITY AS u(principal, call_id, version, card, n)
        ORDER BY n
      ON CONFLICT (principal, call_id) DO UPDATE
        SET id = excluded.id, version = excluded.version, card = excluded.card, at = excluded.at
        WHERE kept.version < excluded.version
      RETURNING kept.id, kept.principal, kept.card
    ),
    items AS (
      SELECT id, json_build_array(id, principal, card)::text AS item FROM written
    ),
    parted AS (
      SELECT id, item, (sum(octet_length(item) + 1) OVER (ORDER BY id) - 1) / ${PART_ROOM} AS part FROM items
    ),
    parts AS (
      SELECT part, max(id) AS top, string_agg(item, ',' ORDER BY id) AS rows FROM parted GROUP BY part
    ),
    notices AS (
      SELECT part, '{"sent":${sentAt.toFixed(1)},"prev":' || coalesce(lag(top) OVER (ORDER BY part), (SELECT id FROM newest)) || ',"max":' || top
               AS head, rows
        FROM parts
    )
    SELECT pg_notify(${literal(channel)}, payload)
      FROM unnest(ARRAY(
        SELECT CASE WHEN octet_length(head) + octet_length(rows) + 11 <= ${NOTIFY_ROOM}
                    THEN head || ',"rows":[' || rows || ']}' ELSE head || '}' END
          FROM notices ORDER BY part
      )) AS payload;
    COMMIT`;
}

/** Rows after $1, the whole table's stream in id order: what this instance has not delivered yet. */
export const FETCH_AFTER = 'SELECT id, principal, card FROM push_cards WHERE id > $1 ORDER BY id LIMIT $2';

/** Where an instance starts delivering: the newest committed row (rows still uncommitted will notify). */
export const NEWEST_ID = 'SELECT coalesce(max(id), 0) AS id FROM push_cards';

/**
 * One agent's kept calls after cursor $2, oldest first; $3 = calls kept per agent. A cursor beyond any id ever
 * handed out comes from another database (or a reset one): its numbering means nothing here, replay everything.
 */
export const SINCE = `
  SELECT id, card FROM (
    SELECT id, card FROM push_cards WHERE principal = $1 ORDER BY id DESC LIMIT $3
  ) recent
  WHERE id > (SELECT CASE WHEN $2::bigint > last_value THEN 0 ELSE $2::bigint END FROM push_cards_id_seq)
  ORDER BY id`;

export const RECENT = 'SELECT card FROM push_cards WHERE principal = $1 ORDER BY id DESC LIMIT $2';

export const WAS_SENT = `
  SELECT EXISTS (
    SELECT 1 FROM (SELECT call_id FROM push_cards WHERE principal = $1 ORDER BY id DESC LIMIT $3) recent
    WHERE call_id = $2
  ) AS sent`;

/** Keeps the table bounded: each agent's newest $1 calls, none older than $2 (epoch ms). */
export const PRUNE = `
  DELETE FROM push_cards WHERE at < $2 OR id IN (
    SELECT id FROM (
      SELECT id, row_number() OVER (PARTITION BY principal ORDER BY id DESC) AS rank FROM push_cards
    ) ranked WHERE rank > $1
  )`;

/**
 * The notification channel of one schema's hub: channels are database-wide, schemas are not. Cut to 63 bytes,
 * PostgreSQL's identifier length (pg_notify refuses a longer name; LISTEN would cut it alike).
 */
export function channelName(schema: string | undefined): string {
  return (schema === undefined ? 'screenpop_push' : `screenpop_push_${schema}`).slice(0, 63);
}
