import { SETTING_NAMES } from './load-config.ts';

/** Prefixes of lpprov's own variables: anything else in the environment is not lpprov's to judge. */
const OWN_PREFIXES = ['LPPROV_', 'LASTPASS_', 'KAFKA_', 'SCIM_', 'HR_', 'DISPATCH_', 'RETRY_', 'BREAKER_', 'RECONCILE_'];

/** Read by other commands (lpprov simulator's --provhash), or the README's shell variable for the SCIM token. */
const COMMAND_SETTINGS = ['LPPROV_SIMULATOR_PROVHASH', 'LPPROV_SCIM_TOKEN'];

export interface UnknownSetting {
  readonly name: string;
  /** The known setting it is most likely a typo of. */
  readonly suggestion: string | undefined;
}

/**
 * Variables that look like lpprov's (by prefix) but are none of its settings: a typo such as
 * `LASTPAS_CID` would otherwise be ignored without a word. Values are never looked at.
 */
export function unknownSettings(env: Readonly<Record<string, string | undefined>>, known: readonly string[] = [...SETTING_NAMES, ...COMMAND_SETTINGS]): UnknownSetting[] {
  const names = new Set(known);
  return Object.keys(env)
    .filter((name) => env[name] !== undefined && !names.has(name))
    .sort()
    .map((name) => ({ name, suggestion: closest(name, known) }))
    // Other names only when long enough that a near miss is a typo, not a neighbour (HOME, HOST).
    .filter(({ name, suggestion }) => OWN_PREFIXES.some((prefix) => name.startsWith(prefix)) || (name.length >= 8 && suggestion !== undefined));
}

/** The known name within a few edits of `name` (about one in four characters), nearest first. */
function closest(name: string, known: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.floor(name.length / 4));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance <= limit && (best === undefined || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Levenshtein distance, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
