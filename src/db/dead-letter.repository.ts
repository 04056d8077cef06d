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
}
