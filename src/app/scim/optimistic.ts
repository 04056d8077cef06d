import { ScimChangeError } from './scim-errors.ts';

/** Thrown inside a transaction when a record changed since it was read; the transaction is redone. */
export class VersionConflict extends Error {
  constructor() {
    super('the resource changed while it was being updated');
    this.name = 'VersionConflict';
  }
}

const ATTEMPTS = 8;

/**
 * Runs a read-modify-write transaction again when another writer got there first. Replicas share
 * the database, so an in-process lock alone cannot keep concurrent PATCHes from losing members;
 * versions can.
 */
export async function withRetryOnConflict<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof VersionConflict)) throw error;
      if (attempt >= ATTEMPTS) throw new ScimChangeError('conflict', 'the resource is being changed by others; try again');
    }
  }
}
