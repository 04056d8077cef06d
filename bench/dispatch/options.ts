import { parseArgs } from 'node:util';

export type Mode = 'batching' | 'no-batching';

export interface Latency {
  readonly minMs: number;
  readonly maxMs: number;
}

export interface BenchOptions {
  /** In the order they run: the coalescing run first, so the baseline is measured after it. */
  readonly modes: readonly Mode[];
  readonly people: number;
  /** Requests per second for both the simulator's limit and the dispatcher's limiter; 0: none. */
  readonly rate: number;
  readonly burst: number;
  readonly latency: Latency;
}

export const USAGE = `usage: npm run bench:dispatch -- [--batching | --no-batching] [--people <n>] [--rate <n>] [--burst <n>] [--latency <min>-<max>]

  --batching          run only the coalescing mode (default: both, batching first)
  --no-batching       run only the one-call-per-command mode (batch size 1)
  --people <n>        people in the burst, split 20% joiners / 50% movers / 30% leavers (default 10000)
  --rate <n>          per-account requests per second, simulator and dispatcher alike; 0 = no limit (default 50)
  --burst <n>         token bucket size of both (default: the rate)
  --latency <ms>      simulator delay before every answer: <min>-<max> uniform, or one fixed value (default 10-30)
`;

/** Reads the command line; throws with a readable message on anything it does not understand. */
export function parseBenchOptions(argv: readonly string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      batching: { type: 'boolean', default: false },
      'no-batching': { type: 'boolean', default: false },
      people: { type: 'string', default: '10000' },
      rate: { type: 'string', default: '50' },
      burst: { type: 'string' },
      latency: { type: 'string', default: '10-30' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const onlyBatching = values.batching;
  const onlyBaseline = values['no-batching'];
  const modes: Mode[] = onlyBatching === onlyBaseline ? ['batching', 'no-batching'] : onlyBatching ? ['batching'] : ['no-batching'];
  const rate = wholeNumber(values.rate, '--rate', 0);
  return {
    modes,
    people: wholeNumber(values.people, '--people', 1),
    rate,
    burst: values.burst === undefined ? Math.max(1, rate) : wholeNumber(values.burst, '--burst', 1),
    latency: parseLatency(values.latency),
  };
}

function wholeNumber(text: string, flag: string, min: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min) throw new Error(`${flag} must be a whole number ≥ ${min}, got ${JSON.stringify(text)}`);
  return value;
}

function parseLatency(text: string): Latency {
  const match = /^(\d+)(?:-(\d+))?$/.exec(text);
  const minMs = Number(match?.[1]);
  const maxMs = match?.[2] === undefined ? minMs : Number(match[2]);
  if (match === null || maxMs < minMs) throw new Error(`--latency must be <ms> or <min>-<max> with min ≤ max, got ${JSON.stringify(text)}`);
  return { minMs, maxMs };
}
