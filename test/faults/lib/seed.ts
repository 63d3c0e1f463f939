import { mulberry32 } from '../../helpers/random';

/**
 * The fault suite's randomness: one seed per run (FAULTS_SEED, printed by the runner) and a
 * deterministic generator per scenario, so a failing run repeats with `npm run test:faults -- --seed N`.
 */
export function faultSeed(): number {
  const raw = process.env.FAULTS_SEED;
  if (raw === undefined || raw === '') return 20261125;
  const seed = Number(raw);
  if (!Number.isInteger(seed) || seed < 0) throw new Error(`FAULTS_SEED must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return seed;
}

export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32 over the run's seed mixed with the scenario's name: scenarios do not share a stream. */
export function rngFor(scenario: string, seed = faultSeed()): Rng {
  let a = seed >>> 0;
  for (let i = 0; i < scenario.length; i++) a = Math.imul(a ^ scenario.charCodeAt(i), 2654435761) >>> 0;
  const next = mulberry32(a);
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
    chance: (p) => next() < p,
  };
}
