/**
 * What every benchmark here shares: cases measured in alternating rounds (a
 * noisy machine slows all of them alike, not one of them), medians, and
 * ratios against a target.
 *
 * @example
 * ```ts ignore
 * import { interleave, median } from "./_stats.ts";
 *
 * const samples = await interleave({ rounds: 5 }, {
 *   a: () => Promise.resolve(1),
 *   b: () => Promise.resolve(2),
 * });
 * console.log(median(samples.a) / median(samples.b));
 * ```
 *
 * @module
 */

/** Options of {@linkcode interleave}. */
export interface InterleaveOptions {
  /** Rounds that count. */
  rounds: number;
  /** Rounds run first and thrown away (caches, JIT). Default 1. */
  warmup?: number;
}

/**
 * Runs every case once per round, in an order that rotates from round to
 * round, and collects each case's samples.
 *
 * @param options How many rounds.
 * @param cases Each returns one sample (a time, a rate, …).
 * @returns The samples of each case, in round order.
 */
export async function interleave<K extends string>(
  options: InterleaveOptions,
  cases: Record<K, () => Promise<number>>,
): Promise<Record<K, number[]>> {
  const names = Object.keys(cases) as K[];
  const samples = Object.fromEntries(
    names.map((name) => [name, []]),
  ) as unknown as Record<
    K,
    number[]
  >;
  const warmup = options.warmup ?? 1;
  for (let round = 0; round < warmup + options.rounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      const sample = await cases[name]();
      if (round >= warmup) samples[name].push(sample);
    }
  }
  return samples;
}

/**
 * The value below which a fraction `q` of the samples lie (nearest rank).
 *
 * @param samples The samples.
 * @param q From 0 to 1.
 * @returns The quantile.
 */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) {
    throw new RangeError("Cannot take a quantile: current value is []");
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  ];
}

/**
 * The median (nearest rank).
 *
 * @param samples The samples.
 * @returns The median.
 */
export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/**
 * Formats a number with a sensible number of digits.
 *
 * @param value The number.
 * @returns Such as `"1.23"`, `"45.6"`, `"7890"`.
 */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const abs = Math.abs(value);
  if (abs >= 1000) return value.toFixed(0);
  if (abs >= 100) return value.toFixed(1);
  if (abs >= 10) return value.toFixed(2);
  return value.toFixed(3);
}

/**
 * One line saying how a measured figure compares with its target.
 *
 * @param label What was measured.
 * @param value The measured figure.
 * @param target The bound, with `"≥"` or `"≤"`.
 * @returns Such as `"ccxt / ours: 31.2× (target ≥ 25×): MET"`.
 */
export function verdict(
  label: string,
  value: number,
  target: { op: "≥" | "≤" | "<"; bound: number; unit: string },
): string {
  const met = target.op === "≥"
    ? value >= target.bound
    : target.op === "≤"
    ? value <= target.bound
    : value < target.bound;
  return `${label}: ${
    fmt(value)
  }${target.unit} (target ${target.op} ${target.bound}${target.unit}): ${
    met ? "MET" : "MISSED"
  }`;
}

/**
 * Prints a table of each case's median and spread (25th–75th percentile).
 *
 * @param title The table's heading.
 * @param samples Samples per case.
 * @param unit The samples' unit.
 */
export function printTable(
  title: string,
  samples: Record<string, readonly number[]>,
  unit: string,
): void {
  console.log(`\n${title}`);
  const width = Math.max(...Object.keys(samples).map((name) => name.length));
  for (const [name, values] of Object.entries(samples)) {
    console.log(
      `  ${name.padEnd(width)}  median ${fmt(median(values))} ${unit}  (p25 ${
        fmt(quantile(values, 0.25))
      }, p75 ${fmt(quantile(values, 0.75))}, n=${values.length})`,
    );
  }
}

/**
 * Runs `count` calls of `task`, keeping `inFlight` of them running at once,
 * and returns the rate in calls per second.
 *
 * @param task One call; a synchronous function counts as done when it returns.
 * @param options How many calls and how many at once.
 * @returns Calls per second.
 */
export async function throughput(
  task: () => unknown,
  options: { count: number; inFlight: number },
): Promise<number> {
  let started = 0;
  const worker = async () => {
    while (started < options.count) {
      started++;
      await task();
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  return options.count / ((performance.now() - start) / 1000);
}
