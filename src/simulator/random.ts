import { randomInt } from 'node:crypto';

/** Uniform numbers in [0, 1); seeded so that a run with a fixed seed draws the same faults. */
export interface RandomSource {
  next(): number;
}

/** mulberry32: tiny, fast and good enough for picking faults and latencies. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return {
    next(): number {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

export function randomSeed(): number {
  return randomInt(0, 2 ** 32 - 1);
}
