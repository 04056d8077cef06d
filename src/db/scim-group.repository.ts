import type { ScimGroupRecord, ScimGroupRepository, ScimListQuery, ScimPage } from '../core/scim.ts';
import { compileFilter } from './scim-filter-sql.ts';
import { GROUP_FILTER_TARGET } from './scim-filter-targets.ts';
import { chunks, pageOf, parseResource, placeholders, valuesRows } from './scim-rows.ts';
import { asStoreFilter } from './scim-store-filter.ts';
import { uniquely } from './scim-uniqueness.ts';
import { type SqlExecutor, toNumber } from './sql-database.ts';

interface GroupRow {
  [column: string]: unknown;
  id: string;
  display_name: string;
  external_id: string | null;
  resource: string;
  created: unknown;
  last_modified: unknown;
  version: unknown;
}

interface MemberRow {
  [column: string]: unknown;
  group_id: string;
  user_id: string;
}

const COLUMNS = 'id, display_name, external_id, resource, created, last_modified, version';

function toRecord(row: GroupRow, memberIds: readonly string[]): ScimGroupRecord {
  return {
    id: row.id,
    displayName: row.display_name,
    externalId: row.external_id ?? undefined,
    resource: parseResource(row.resource),
    memberIds,
    created: toNumber(row.created),
    lastModified: toNumber(row.last_modified),
    version: toNumber(row.version),
  };
}

/** Each id once, first occurrence first. */
function distinct(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}

/**
 * SCIM groups and their membership on SQLite or PostgreSQL. A write replaces the membership by
 * difference (only the members that came or went are written), so a PATCH that adds one member
 * to a large group costs one read of the member ids and one insert.
 */
export class SqlScimGroupRepository implements ScimGroupRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async get(id: string): Promise<ScimGroupRecord | undefined> {
    const [row] = await this.#db.query<GroupRow>(`SELECT ${COLUMNS} FROM scim_groups WHERE id = $1`, [id]);
    if (row === undefined) return undefined;
    return toRecord(row, (await this.#membersOf([id])).get(id) ?? []);
  }

  async findByDisplayName(displayName: string): Promise<ScimGroupRecord | undefined> {
    const [row] = await this.#db.query<GroupRow>(`SELECT ${COLUMNS} FROM scim_groups WHERE display_name_lc = $1`, [displayName.toLowerCase()]);
    if (row === undefined) return undefined;
    return toRecord(row, (await this.#membersOf([row.id])).get(row.id) ?? []);
  }

  async list(query: ScimListQuery): Promise<ScimPage<ScimGroupRecord>> {
    const where = compileFilter(asStoreFilter(query.filter), GROUP_FILTER_TARGET, this.#db.dialect);
    const [counted] = await this.#db.query<{ total: unknown }>(`SELECT COUNT(*) AS total FROM scim_groups WHERE ${where.sql}`, where.params);
    const total = toNumber(counted?.total ?? 0);
    const { limit, offset } = pageOf(query);
    if (limit === 0 || offset >= total) return { total, items: [] };
    const next = where.params.length + 1;
    const rows = await this.#db.query<GroupRow>(
      `SELECT ${COLUMNS} FROM scim_groups WHERE ${where.sql} ORDER BY created, id LIMIT $${next} OFFSET $${next + 1}`,
      [...where.params, limit, offset],
    );
    const members = await this.#membersOf(rows.map((row) => row.id));
    return { total, items: rows.map((row) => toRecord(row, members.get(row.id) ?? [])) };
  }

  async groupsOf(userId: string): Promise<ScimGroupRecord[]> {
    const rows = await this.#db.query<GroupRow>(
      `SELECT ${COLUMNS.split(', ').map((c) => `g.${c}`).join(', ')}
       FROM scim_groups g JOIN scim_group_members m ON m.group_id = g.id
       WHERE m.user_id = $1 ORDER BY g.created, g.id`,
      [userId],
    );
    const members = await this.#membersOf(rows.map((row) => row.id));
    return rows.map((row) => toRecord(row, members.get(row.id) ?? []));
  }

  async insert(record: ScimGroupRecord): Promise<void> {
    await uniquely(`a group with displayName "${record.displayName}" already exists`, () =>
      this.#db.execute(
        `INSERT INTO scim_groups (id, display_name, display_name_lc, external_id, external_id_lc, resource, created, last_modified, version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
        [
          record.id,
          record.displayName,
          record.displayName.toLowerCase(),
          record.externalId ?? null,
          record.externalId?.toLowerCase() ?? null,
          JSON.stringify(record.resource),
          record.created,
          record.lastModified,
          record.version,
        ],
      ),
    );
    await this.#addMembers(record.id, distinct(record.memberIds), 0);
  }

  async update(record: ScimGroupRecord, expectedVersion: number): Promise<boolean> {
    // The conditional UPDATE comes first: on PostgreSQL it locks the group row, so the member
    // ids read below are the ones the next writer will see, never a stale set.
    const changed = await uniquely(`a group with displayName "${record.displayName}" already exists`, () =>
      this.#db.execute(
        `UPDATE scim_groups SET display_name = $2, display_name_lc = $3, external_id = $4, external_id_lc = $5, resource = $6,
           last_modified = $7, version = $8
         WHERE id = $1 AND version = $9`,
        [
          record.id,
          record.displayName,
          record.displayName.toLowerCase(),
          record.externalId ?? null,
          record.externalId?.toLowerCase() ?? null,
          JSON.stringify(record.resource),
          record.lastModified,
          record.version,
          expectedVersion,
        ],
      ),
    );
    if (changed === 0) return false;

    const stored = await this.#db.query<{ user_id: string; position: unknown }>(
      'SELECT user_id, position FROM scim_group_members WHERE group_id = $1',
      [record.id],
    );
    const wanted = distinct(record.memberIds);
    const wantedSet = new Set(wanted);
    const storedSet = new Set(stored.map((row) => row.user_id));
    const removed = [...storedSet].filter((id) => !wantedSet.has(id));
    const added = wanted.filter((id) => !storedSet.has(id));
    for (const batch of chunks(removed)) {
      await this.#db.execute(`DELETE FROM scim_group_members WHERE group_id = $1 AND user_id IN (${placeholders(batch.length, 2)})`, [
        record.id,
        ...batch,
      ]);
    }
    // New members go after every member there is, so the stored order stays the order of adding.
    const nextPosition = stored.reduce((max, row) => Math.max(max, toNumber(row.position) + 1), 0);
    await this.#addMembers(record.id, added, nextPosition);
    return true;
  }

  async delete(id: string): Promise<boolean> {
    return (await this.#db.execute('DELETE FROM scim_groups WHERE id = $1', [id])) > 0;
  }

  async removeMemberEverywhere(userId: string): Promise<void> {
    // The groups' versions move too: their membership changed, so an ETag or a concurrent
    // read-modify-write of one of them must see a new version.
    await this.#db.execute(
      'UPDATE scim_groups SET version = version + 1 WHERE id IN (SELECT group_id FROM scim_group_members WHERE user_id = $1)',
      [userId],
    );
    await this.#db.execute('DELETE FROM scim_group_members WHERE user_id = $1', [userId]);
  }

  async #addMembers(groupId: string, userIds: readonly string[], firstPosition: number): Promise<void> {
    let position = firstPosition;
    for (const batch of chunks(userIds, 300)) {
      const values = valuesRows(batch.map((userId) => [groupId, userId, position++]));
      await this.#db.execute(`INSERT INTO scim_group_members (group_id, user_id, position) VALUES ${values.sql}`, values.params);
    }
  }

  /** Member ids of each group, in the order they were added. */
  async #membersOf(groupIds: readonly string[]): Promise<Map<string, string[]>> {
    const members = new Map<string, string[]>(groupIds.map((id) => [id, []]));
    for (const batch of chunks(groupIds)) {
      const rows = await this.#db.query<MemberRow>(
        `SELECT group_id, user_id FROM scim_group_members WHERE group_id IN (${placeholders(batch.length)}) ORDER BY group_id, position`,
        batch,
      );
      for (const row of rows) members.get(row.group_id)?.push(row.user_id);
    }
    return members;
  }
}
