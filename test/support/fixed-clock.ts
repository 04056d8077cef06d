import type { Clock } from '../../src/core/ports.ts';

/** A clock tests move by hand. */
export class FixedClock implements Clock {
  #now: number;

  constructor(start = Date.parse('2026-01-05T09:00:00Z')) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  advance(ms: number): void {
    this.#now += ms;
  }
}
