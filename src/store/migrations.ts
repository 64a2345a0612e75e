// Schema migrations, in code, run by Kysely's Migrator on every open; append new ones, never edit old ones.
import { sql } from 'kysely';
import type { Kysely, Migration, MigrationProvider } from 'kysely';
import type { Dialect } from './database.ts';

// Migrations take `Kysely<unknown>`: they must not depend on today's table types.
type Db = Kysely<unknown>;

function initial(dialect: Dialect): Migration {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Db) {
      await db.schema
        .createTable('contacts')
        .addColumn('id', big, (c) =>
          // SQLite: AUTOINCREMENT so a deleted contact's id is never handed out again (call logs keep ids).
          dialect === 'postgres'
            ? c.generatedAlwaysAsIdentity().primaryKey()
            : c.primaryKey().autoIncrement(),
        )
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('company', 'text')
        .addColumn('email', 'text')
        .addColumn('email_key', 'text')
        .addColumn('tier', 'text')
        .addColumn('tags', 'text', (c) => c.notNull())
        .addColumn('notes', 'text')
        .addColumn('custom', 'text', (c) => c.notNull())
        .addColumn('phones', 'text', (c) => c.notNull())
        .addColumn('tickets', 'text', (c) => c.notNull())
        .addColumn('appointments', 'text', (c) => c.notNull())
        .addColumn('external_id', 'text')
        .addColumn('record_url', 'text')
        .addColumn('dedupe_key', 'text')
        .addColumn('content_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('contacts_external_id').on('contacts').column('external_id').execute();
      await db.schema.createIndex('contacts_email_key').on('contacts').column('email_key').execute();
      await db.schema
        .createIndex('contacts_dedupe_key')
        .on('contacts')
        .column('dedupe_key')
        .where(sql.ref('dedupe_key'), 'is not', null)
        .execute();

      await db.schema
        .createTable('contact_phones')
        .addColumn('id', big, (c) =>
          dialect === 'postgres' ? c.generatedAlwaysAsIdentity().primaryKey() : c.primaryKey(),
        )
        .addColumn('contact_id', big, (c) => c.notNull().references('contacts.id').onDelete('cascade'))
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('raw', 'text', (c) => c.notNull())
        .addColumn('e164', 'text')
        .addColumn('national', 'text')
        .addColumn('suffix', 'text')
        .addColumn('label', 'text')
        .execute();
      for (const column of ['contact_id', 'e164', 'national', 'suffix']) {
        await db.schema.createIndex(`contact_phones_${column}`).on('contact_phones').column(column).execute();
      }

      await db.schema
        .createTable('call_log')
        .addColumn('call_id', 'text', (c) => c.primaryKey())
        .addColumn('direction', 'text', (c) => c.notNull())
        .addColumn('caller_e164', 'text')
        .addColumn('caller_raw', 'text', (c) => c.notNull())
        .addColumn('caller_name', 'text')
        .addColumn('withheld', 'integer', (c) => c.notNull())
        .addColumn('dialed', 'text')
        .addColumn('line_ids', 'text', (c) => c.notNull())
        .addColumn('answered_by', 'text')
        .addColumn('answered_by_name', 'text')
        .addColumn('started_at', big, (c) => c.notNull())
        .addColumn('answered_at', big)
        .addColumn('ended_at', big, (c) => c.notNull())
        .addColumn('outcome', 'text', (c) => c.notNull())
        .addColumn('contact_id', 'text')
        .addColumn('notes', 'text')
        .addColumn('disposition', 'text')
        .addColumn('notes_by', 'text')
        .addColumn('notes_at', big)
        .execute();
      // history(e164, since, limit) and the card's "calls from this number" read this index only.
      await db.schema
        .createIndex('call_log_caller_started')
        .on('call_log')
        .columns(['caller_e164', 'started_at'])
        .execute();
      await db.schema.createIndex('call_log_started').on('call_log').column('started_at').execute();

      await db.schema
        .createTable('pins')
        .addColumn('e164', 'text', (c) => c.primaryKey())
        .addColumn('contact_id', big, (c) => c.notNull().references('contacts.id').onDelete('cascade'))
        .addColumn('pinned_by', 'text', (c) => c.notNull())
        .addColumn('pinned_at', big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('pins_contact_id').on('pins').column('contact_id').execute();

      await db.schema
        .createTable('secrets')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('agents')
        .addColumn('principal', 'text', (c) => c.primaryKey())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('updated_at', big, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('sessions')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('principal', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('expires_at', big, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();
    },
    async down(db: Db) {
      for (const table of [
        'sessions',
        'agents',
        'secrets',
        'pins',
        'call_log',
        'contact_phones',
        'contacts',
      ]) {
        await db.schema.dropTable(table).execute();
      }
    },
  };
}

/**
 * A caller lookup asks for e164 OR national OR suffix; with a national number of at least `suffixDigits`
 * digits, every e164 or national match is also a suffix match, so SQLite answers from this one covering
 * index (one B-tree descent, rows with the same suffix side by side) instead of three indexes plus the table.
 */
const suffixCovering: Migration = {
  async up(db: Db) {
    await db.schema.dropIndex('contact_phones_suffix').execute();
    await db.schema
      .createIndex('contact_phones_suffix_cover')
      .on('contact_phones')
      .columns(['suffix', 'contact_id', 'position', 'e164', 'national'])
      .execute();
  },
  async down(db: Db) {
    await db.schema.dropIndex('contact_phones_suffix_cover').execute();
    await db.schema.createIndex('contact_phones_suffix').on('contact_phones').column('suffix').execute();
  },
};

/** SQLite only: index SQL set aside while a bulk load runs (see sqlite/bulk-load.ts). */
const pendingIndexes: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('pending_indexes')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('sql', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Db) {
    await db.schema.dropTable('pending_indexes').execute();
  },
};

/** The contact list pages by name: without this, each page of 1M contacts sorts the whole table. */
const contactsByName: Migration = {
  async up(db: Db) {
    await db.schema.createIndex('contacts_name').on('contacts').columns(['name', 'id']).execute();
  },
  async down(db: Db) {
    await db.schema.dropIndex('contacts_name').execute();
  },
};

/**
 * SQLite only: contact_phones ids are never handed out again (AUTOINCREMENT), so the lookup index
 * (sqlite/lookup-index.ts) can catch up on another connection's new phones as "ids above the last one
 * seen". SQLite cannot change a primary key in place: the table is rebuilt with the same rows, ids and indexes.
 */
const phoneIdsNeverReused: Migration = {
  async up(db: Db) {
    await db.transaction().execute(async (trx) => {
      const { rows: indexes } = await sql<{ sql: string }>`
        SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'contact_phones' AND sql IS NOT NULL
      `.execute(trx);
      await sql`
        CREATE TABLE contact_phones_new (
          id integer PRIMARY KEY AUTOINCREMENT,
          contact_id integer NOT NULL REFERENCES contacts (id) ON DELETE CASCADE,
          position integer NOT NULL,
          raw text NOT NULL,
          e164 text,
          national text,
          suffix text,
          label text
        )
      `.execute(trx);
      await sql`
        INSERT INTO contact_phones_new (id, contact_id, position, raw, e164, national, suffix, label)
        SELECT id, contact_id, position, raw, e164, national, suffix, label FROM contact_phones
      `.execute(trx);
      await sql`DROP TABLE contact_phones`.execute(trx);
      await sql`ALTER TABLE contact_phones_new RENAME TO contact_phones`.execute(trx);
      for (const index of indexes) {
        await sql.raw(index.sql).execute(trx);
      }
    });
  },
  async down() {
    // Nothing to undo: plain integer ids work the same; they just may be reused.
  },
};

/** A generated id column: identity in PostgreSQL, AUTOINCREMENT in SQLite (ids never reused). */
function idColumn(db: Db, dialect: Dialect, table: string) {
  return db.schema
    .createTable(table)
    .addColumn('id', dialect === 'postgres' ? 'bigint' : 'integer', (c) =>
      dialect === 'postgres' ? c.generatedAlwaysAsIdentity().primaryKey() : c.primaryKey().autoIncrement(),
    );
}

/** Every save of a call's notes with its author and time (issue 13 item 8): an overwrite no longer erases. */
function noteRevisions(dialect: Dialect): Migration {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Db) {
      await idColumn(db, dialect, 'note_revisions')
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('notes', 'text')
        .addColumn('disposition', 'text')
        .addColumn('author', 'text', (c) => c.notNull())
        .addColumn('at', big, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('note_revisions_call')
        .on('note_revisions')
        .columns(['call_id', 'id'])
        .execute();
    },
    async down(db: Db) {
      await db.schema.dropTable('note_revisions').execute();
    },
  };
}

/** The audit log (issue 13 item 12): who viewed a caller's card, who changed or deleted a contact, pin or note. */
function auditLog(dialect: Dialect): Migration {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Db) {
      await idColumn(db, dialect, 'audit_log')
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('detail', 'text')
        .execute();
      await db.schema.createIndex('audit_log_at').on('audit_log').columns(['at', 'id']).execute();
    },
    async down(db: Db) {
      await db.schema.dropTable('audit_log').execute();
    },
  };
}

/**
 * Outbound webhooks (src/webhooks): the outbox, one row per event and endpoint, claimed with a lease; and each
 * endpoint's health (failing since, paused until), whose row also serializes claims for that endpoint.
 */
function webhookOutbox(dialect: Dialect): Migration {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Db) {
      await idColumn(db, dialect, 'webhook_outbox')
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('created_at', big, (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', big, (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until', big)
        .addColumn('finished_at', big)
        .execute();
      // The same event reaches an endpoint once, whichever instance saw the call.
      await db.schema
        .createIndex('webhook_outbox_event')
        .on('webhook_outbox')
        .columns(['endpoint', 'event_id'])
        .unique()
        .execute();
      await db.schema
        .createIndex('webhook_outbox_due')
        .on('webhook_outbox')
        .columns(['endpoint', 'state', 'next_attempt_at'])
        .execute();
      await db.schema
        .createIndex('webhook_outbox_call')
        .on('webhook_outbox')
        .columns(['endpoint', 'call_id', 'id'])
        .execute();
      await db.schema
        .createTable('webhook_endpoints')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('failing_since', big)
        .addColumn('paused_until', big)
        .addColumn('last_attempt_at', big)
        .addColumn('last_status', 'integer')
        .addColumn('last_success_at', big)
        .execute();
    },
    async down(db: Db) {
      await db.schema.dropTable('webhook_endpoints').execute();
      await db.schema.dropTable('webhook_outbox').execute();
    },
  };
}

/** The webhook delivery log: one row per attempt (status, response time), read by supervisors over REST. */
function webhookAttempts(dialect: Dialect): Migration {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  return {
    async up(db: Db) {
      await idColumn(db, dialect, 'webhook_attempts')
        .addColumn('endpoint', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull())
        .addColumn('call_id', 'text', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('attempt', 'integer', (c) => c.notNull())
        .addColumn('at', big, (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('ok', 'integer', (c) => c.notNull())
        .addColumn('duration_ms', 'integer', (c) => c.notNull())
        .addColumn('error', 'text')
        .execute();
      await db.schema.createIndex('webhook_attempts_at').on('webhook_attempts').column('at').execute();
    },
    async down(db: Db) {
      await db.schema.dropTable('webhook_attempts').execute();
    },
  };
}

/**
 * PostgreSQL only: the lease that makes one instance of several the one ingesting a GoTo account (see
 * src/store/postgres/leader-lease.ts for why a lease row and not an advisory lock). expires_at is the database's
 * clock, so instances whose clocks differ still agree on when a lease has run out.
 */
const leaderLease: Migration = {
  async up(db: Db) {
    await db.schema
      .createTable('leader_lease')
      .addColumn('account', 'text', (c) => c.primaryKey())
      .addColumn('holder', 'text', (c) => c.notNull())
      .addColumn('epoch', 'bigint', (c) => c.notNull())
      .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
      .execute();
  },
  async down(db: Db) {
    await db.schema.dropTable('leader_lease').execute();
  },
};

/**
 * PostgreSQL only: the push hub's card stream (store/postgres/push-hub.ts), the latest card of each call per agent.
 * `id` is the global cursor: every update takes a fresh value, so rows after a browser's cursor are what it missed,
 * on whichever instance it reconnects to. SQLite runs one instance and keeps the stream in memory. `version` is a
 * bigint: card versions carry the leader's epoch × 2^20 (pops/pop-service.ts), past int4 after 2,047 leader changes.
 */
const pushCards: Migration = {
  async up(db: Db) {
    await sql`
      CREATE TABLE push_cards (
        id bigserial PRIMARY KEY,
        principal text NOT NULL,
        call_id text NOT NULL,
        version bigint NOT NULL,
        card text NOT NULL,
        at bigint NOT NULL,
        UNIQUE (principal, call_id)
      )
    `.execute(db);
    await sql`CREATE INDEX push_cards_principal_id ON push_cards (principal, id)`.execute(db);
    await sql`CREATE INDEX push_cards_at ON push_cards (at)`.execute(db);
  },
  async down(db: Db) {
    await sql`DROP TABLE push_cards`.execute(db);
  },
};

/** The migrations for one dialect, by name (names sort in the order they run). */
export function migrationProvider(dialect: Dialect): MigrationProvider {
  return {
    getMigrations: async () => ({
      '0001_initial': initial(dialect),
      '0002_suffix_covering': suffixCovering,
      ...(dialect === 'sqlite' ? { '0003_pending_indexes': pendingIndexes } : {}),
      '0004_contacts_by_name': contactsByName,
      ...(dialect === 'sqlite' ? { '0005_phone_ids_never_reused': phoneIdsNeverReused } : {}),
      '0006_note_revisions': noteRevisions(dialect),
      '0007_audit_log': auditLog(dialect),
      '0008_webhook_outbox': webhookOutbox(dialect),
      '0009_webhook_attempts': webhookAttempts(dialect),
      ...(dialect === 'postgres' ? { '0010_leader_lease': leaderLease } : {}),
      ...(dialect === 'postgres' ? { '0011_push_cards': pushCards } : {}),
    }),
  };
}
