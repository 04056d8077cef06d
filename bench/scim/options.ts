import { parseArgs } from 'node:util';

export type Engine = 'sqlite' | 'postgres';

export interface BenchOptions {
  /** Databases to run on, in order; each gets its own lpprov and the same scenarios. */
  readonly engines: readonly Engine[];
  /** Concurrent clients (each one request at a time, on its own keep-alive connection). */
  readonly clients: number;
  /** Measured seconds per scenario. */
  readonly durationS: number;
  /** Unmeasured seconds per scenario before the measurement starts. */
  readonly warmupS: number;
  /** Users created through SCIM before anything is measured. */
  readonly users: number;
  /** lpprov's LASTPASS_RATE_PER_SECOND towards its in-process simulator; 0: no limit. */
  readonly rate: number;
}

export const USAGE = `usage: npm run bench:scim -- [--engine sqlite|postgres|both] [--clients <n>] [--duration <s>] [--warmup <s>] [--users <n>] [--rate <n>]

  --engine <e>     database lpprov runs on: sqlite (the embedded default), postgres, or both (default sqlite);
                   postgres uses BENCH_DATABASE_URL or TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
  --clients <n>    concurrent clients, one request in flight each (default 50)
  --duration <s>   measured seconds per scenario (default 10)
  --warmup <s>     unmeasured seconds before each measurement (default 2)
  --users <n>      users created through SCIM before the measurements (default 5000)
  --rate <n>       lpprov's LastPass calls per second (LASTPASS_RATE_PER_SECOND) towards its simulator; 0 = no limit (default 50)
`;

/** Reads the command line; throws with a readable message on anything it does not understand. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      engine: { type: 'string', default: 'sqlite' },
      clients: { type: 'string', default: '50' },
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      users: { type: 'string', default: '5000' },
      rate: { type: 'string', default: '50' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const engines: Engine[] | undefined = { sqlite: ['sqlite'], postgres: ['postgres'], both: ['sqlite', 'postgres'] }[values.engine] as
    | Engine[]
    | undefined;
  if (engines === undefined) throw new Error(`--engine must be sqlite, postgres or both, got ${JSON.stringify(values.engine)}`);
  return {
    engines,
    clients: wholeNumber(values.clients, '--clients', 1),
    durationS: wholeNumber(values.duration, '--duration', 1),
    warmupS: wholeNumber(values.warmup, '--warmup', 0),
    users: wholeNumber(values.users, '--users', 1),
    rate: wholeNumber(values.rate, '--rate', 0),
  };
}

function wholeNumber(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min) throw new Error(`${flag} must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`);
  return value;
}
