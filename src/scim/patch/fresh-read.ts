import { ScimHttpError } from '../scim-http-error.ts';

/**
 * A PATCH is computed (asynchronously, by scimmy) from the version it read, then written only if
 * that version is still current: the write's `next` function returns the precomputed result for
 * that version and throws StaleRead for any other, and the whole read-compute-write starts over.
 * So `next` stays a pure function of the record it is given, as the app's use cases require.
 */
export class StaleRead extends Error {
  constructor() {
    super('the resource changed after it was read');
    this.name = 'StaleRead';
  }
}

const ATTEMPTS = 12;
const MAX_BACKOFF_MS = 200;

/**
 * Runs `attempt` again while it reads a stale version. Between rounds it waits a little, longer
 * each time and jittered, so that replicas writing one group in bursts take turns instead of
 * invalidating each other's reads indefinitely.
 */
export async function withFreshRead<T>(attempt: () => Promise<T>): Promise<T> {
  for (let round = 1; ; round += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StaleRead)) throw error;
      if (round >= ATTEMPTS) throw new ScimHttpError(409, 'the resource is being changed by others; try again');
      const ceiling = Math.min(MAX_BACKOFF_MS, 5 * 2 ** round);
      await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + Math.random() * (ceiling / 2)));
    }
  }
}

/** The result computed for `readVersion`, as long as the record is still at that version. */
export function pinned<T>(current: { readonly version: number }, readVersion: number, result: T): T {
  if (current.version !== readVersion) throw new StaleRead();
  return result;
}
