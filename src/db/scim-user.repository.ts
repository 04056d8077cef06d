import type { ScimListQuery, ScimPage, ScimUserRecord, ScimUserRepository } from '../core/scim.ts';
import { compileFilter } from './scim-filter-sql.ts';
import { USER_FILTER_TARGET } from './scim-filter-targets.ts';
import { chunks, lowerOf, objectOf, pageOf, parseResource, textOf, valuesRows } from './scim-rows.ts';
import { asStoreFilter } from './scim-store-filter.ts';
import { uniquely } from './scim-uniqueness.ts';
import { type SqlExecutor, type SqlValue, toNumber } from './sql-database.ts';

interface UserRow {
  [column: string]: unknown;
  id: string;
  user_name: string;
  external_id: string | null;
  active: unknown;
  resource: string;
  created: unknown;
  last_modified: unknown;
  version: unknown;
}

const COLUMNS = 'id, user_name, external_id, active, resource, created, last_modified, version';

function toRecord(row: UserRow): ScimUserRecord {
  return {
    id: row.id,
    userName: row.user_name,
    externalId: row.external_id ?? undefined,
    active: toNumber(row.active) === 1,
    resource: parseResource(row.resource),
    created: toNumber(row.created),
    lastModified: toNumber(row.last_modified),
    version: toNumber(row.version),
  };
}

/** The columns derived from the stored representation, for filters (lower-cased here, once). */
function derivedColumns(record: ScimUserRecord): SqlValue[] {
  const name = objectOf(record.resource.name);
  return [
    record.userName.toLowerCase(),
    record.externalId ?? null,
    record.externalId?.toLowerCase() ?? null,
    lowerOf(record.resource.displayName),
    lowerOf(name?.givenName),
    lowerOf(name?.familyName),
    lowerOf(name?.formatted),
  ];
}

/** One row per email that has a string value: position, value, type, primary. */
function emailRows(record: ScimUserRecord): SqlValue[][] {
  const emails = Array.isArray(record.resource.emails) ? (record.resource.emails as unknown[]) : [];
  return emails.flatMap((email, position) => {
    const entry = objectOf(email);
    const value = textOf(entry?.value);
    if (value === null) return [];
    return [[record.id, position, value.toLowerCase(), lowerOf(entry?.type), entry?.primary === true ? 1 : 0]];
  });
}

/** SCIM users on SQLite or PostgreSQL (the SQL is the same on both). */
export class SqlScimUserRepository implements ScimUserRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async get(id: string): Promise<ScimUserRecord | undefined> {
    const [row] = await this.#db.query<UserRow>(`SELECT ${COLUMNS} FROM scim_users WHERE id = $1`, [id]);
    return row === undefined ? undefined : toRecord(row);
  }

  async findByUserName(userName: string): Promise<ScimUserRecord | undefined> {
    const [row] = await this.#db.query<UserRow>(`SELECT ${COLUMNS} FROM scim_users WHERE user_name_lc = $1`, [userName.toLowerCase()]);
    return row === undefined ? undefined : toRecord(row);
  }

  async list(query: ScimListQuery): Promise<ScimPage<ScimUserRecord>> {
    const where = compileFilter(asStoreFilter(query.filter), USER_FILTER_TARGET, this.#db.dialect);
    const [counted] = await this.#db.query<{ total: unknown }>(`SELECT COUNT(*) AS total FROM scim_users WHERE ${where.sql}`, where.params);
    const total = toNumber(counted?.total ?? 0);
    const { limit, offset } = pageOf(query);
    if (limit === 0 || offset >= total) return { total, items: [] };
    const next = where.params.length + 1;
    const rows = await this.#db.query<UserRow>(
      `SELECT ${COLUMNS} FROM scim_users WHERE ${where.sql} ORDER BY created, id LIMIT $${next} OFFSET $${next + 1}`,
      [...where.params, limit, offset],
    );
    return { total, items: rows.map(toRecord) };
  }

  async insert(record: ScimUserRecord): Promise<void> {
    await uniquely(`a user with userName "${record.userName}" already exists`, () =>
      this.#db.execute(
        `INSERT INTO scim_users (id, user_name, user_name_lc, external_id, external_id_lc, display_name_lc, given_name_lc,
           family_name_lc, formatted_name_lc, active, resource, created, last_modified, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
        [
          record.id,
          record.userName,
          ...derivedColumns(record),
          record.active ? 1 : 0,
          JSON.stringify(record.resource),
          record.created,
          record.lastModified,
          record.version,
        ],
      ),
    );
    await this.#insertEmails(record);
  }

  async update(record: ScimUserRecord, expectedVersion: number): Promise<boolean> {
    const changed = await uniquely(`a user with userName "${record.userName}" already exists`, () =>
      this.#db.execute(
        `UPDATE scim_users SET user_name = $2, user_name_lc = $3, external_id = $4, external_id_lc = $5, display_name_lc = $6,
           given_name_lc = $7, family_name_lc = $8, formatted_name_lc = $9, active = $10, resource = $11, last_modified = $12,
           version = $13
         WHERE id = $1 AND version = $14`,
        [
          record.id,
          record.userName,
          ...derivedColumns(record),
          record.active ? 1 : 0,
          JSON.stringify(record.resource),
          record.lastModified,
          record.version,
          expectedVersion,
        ],
      ),
    );
    if (changed === 0) return false;
    await this.#db.execute('DELETE FROM scim_user_emails WHERE user_id = $1', [record.id]);
    await this.#insertEmails(record);
    return true;
  }

  async delete(id: string): Promise<boolean> {
    // Emails and group memberships go with it (ON DELETE CASCADE).
    return (await this.#db.execute('DELETE FROM scim_users WHERE id = $1', [id])) > 0;
  }

  async #insertEmails(record: ScimUserRecord): Promise<void> {
    for (const rows of chunks(emailRows(record), 200)) {
      const values = valuesRows(rows);
      await this.#db.execute(`INSERT INTO scim_user_emails (user_id, position, value_lc, type_lc, is_primary) VALUES ${values.sql}`, values.params);
    }
  }
}
