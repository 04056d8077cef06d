import { applyFaultUpdate, FAULT_KINDS, type FaultKind, type FaultSettings, type NextFault } from './fault-settings.ts';
import { isRecord } from './json-values.ts';
import { randomSeed, seededRandom, type RandomSource } from './random.ts';

/** Holds the fault settings and decides, call by call, which fault (if any) a call gets. */
export class FaultInjector {
  #settings: FaultSettings;
  #random: RandomSource;

  constructor(settings: FaultSettings) {
    this.#settings = settings;
    this.#random = seededRandom(settings.seed ?? randomSeed());
  }

  get settings(): FaultSettings {
    return this.#settings;
  }

  /** Applies a partial update; naming `seed` (even unchanged) restarts the generator. */
  update(update: unknown): FaultSettings {
    this.#settings = applyFaultUpdate(this.#settings, update);
    if (isRecord(update) && 'seed' in update) this.#random = seededRandom(this.#settings.seed ?? randomSeed());
    return this.#settings;
  }

  replace(settings: FaultSettings): void {
    this.#settings = settings;
    this.#random = seededRandom(settings.seed ?? randomSeed());
  }

  /** The fault this call gets: the next deterministic one that applies, else a random draw. */
  nextFault(cmd: string | null): FaultKind | null {
    return this.#takeNextFault(cmd) ?? this.#drawFault();
  }

  /** Delay before answering: the latency, plus `slowMs` for a `slow` fault. */
  delayMs(fault: FaultKind | null): number {
    const { minMs, maxMs } = this.#settings.latency;
    const latency = maxMs > minMs ? minMs + this.#random.next() * (maxMs - minMs) : minMs;
    return latency + (fault === 'slow' ? this.#settings.slowMs : 0);
  }

  #takeNextFault(cmd: string | null): FaultKind | null {
    const queue = this.#settings.nextFaults;
    const index = queue.findIndex((entry) => entry.cmd === undefined || entry.cmd === cmd);
    const entry = queue[index];
    if (entry === undefined) return null;
    const rest: NextFault[] = [...queue];
    if (entry.count > 1) rest[index] = { ...entry, count: entry.count - 1 };
    else rest.splice(index, 1);
    this.#settings = { ...this.#settings, nextFaults: rest };
    return entry.kind;
  }

  #drawFault(): FaultKind | null {
    const { probabilities } = this.#settings;
    if (FAULT_KINDS.every((kind) => probabilities[kind] === 0)) return null;
    let draw = this.#random.next();
    for (const kind of FAULT_KINDS) {
      draw -= probabilities[kind];
      if (draw < 0) return kind;
    }
    return null;
  }
}
