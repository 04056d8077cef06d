import type { Logger } from '../observability/logger.ts';
import type { GeneratedTokenStore } from './generated-token.ts';

const DEFAULT_REFRESH_MS = 5_000;

/**
 * The generated token's digest as the SCIM endpoint checks it: read from the store at start and
 * every few seconds after, so `lpprov scim-token rotate` (run by an operator against the same
 * database) reaches every running replica without a restart. A failed read keeps the last digest.
 */
export class GeneratedTokenDigests {
  readonly #store: GeneratedTokenStore;
  readonly #logger: Logger;
  readonly #refreshMs: number;
  #digests: readonly Buffer[] = [];
  #timer: NodeJS.Timeout | undefined;

  constructor(store: GeneratedTokenStore, logger: Logger, refreshMs = DEFAULT_REFRESH_MS) {
    this.#store = store;
    this.#logger = logger;
    this.#refreshMs = refreshMs;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.#timer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.#logger.warn({ err: error }, 'could not re-read the generated SCIM token; keeping the last one'));
    }, this.#refreshMs);
    this.#timer.unref();
  }

  async refresh(): Promise<void> {
    const stored = await this.#store.current();
    this.#digests = stored === undefined ? [] : [Buffer.from(stored.sha256Hex, 'hex')];
  }

  readonly digests = (): readonly Buffer[] => this.#digests;

  stop(): Promise<void> {
    clearInterval(this.#timer);
    return Promise.resolve();
  }
}
