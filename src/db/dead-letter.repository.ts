import type { DeadLetter, DeadLetterRepository } from '../core/ports.ts';
import type { SqlExecutor } from './sql-database.ts';

export class SqlDeadLetterRepository implements DeadLetterRepository {
  readonly #db: SqlExecutor;

  constructor(db: SqlExecutor) {
    this.#db = db;
  }

  async add(letter: DeadLetter): Promise<void> {
    await this.#db.execute('INSERT INTO dead_letters (source, reason, raw, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [
      letter.source,
      letter.reason,
      letter.raw,
      letter.createdAt,
    ]);
  }

  async resolveOpen(sources: readonly string[], resolution: string, now: number): Promise<number> {
    let resolved = 0;
    for (const source of sources) {
      resolved += await this.#db.execute('UPDATE dead_letters SET resolved_at = $1, resolution = $2 WHERE source = $3 AND resolved_at IS NULL', [
        now,
        resolution,
        source,
      ]);
    }
    return resolved;
  }
}
