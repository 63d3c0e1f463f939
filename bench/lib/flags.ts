/* A benchmark's command-line flags: `--n 100` or `--n=100`; each has the size as its default. */

function flagValue(name: string, argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === `--${name}`) return argv[i + 1];
    if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
  }
  return undefined;
}

/** A numeric flag, or its default (the size). */
export function numberFlag(name: string, fallback: number, argv: readonly string[] = process.argv.slice(2)): number {
  const raw = flagValue(name, argv);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} expects a positive number, got ${raw}`);
  return n;
}

/** A list of numbers: `--concurrency 8,32`. */
export function numberListFlag(name: string, fallback: number[], argv: readonly string[] = process.argv.slice(2)): number[] {
  const raw = flagValue(name, argv);
  if (raw === undefined) return fallback;
  return raw.split(',').map((s) => {
    const n = Number(s);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} expects positive numbers, got ${raw}`);
    return n;
  });
}

export function boolFlag(name: string, argv: readonly string[] = process.argv.slice(2)): boolean {
  return argv.includes(`--${name}`);
}
