import { vi } from 'vitest';

/** Runs a command function as `npm run -s cli -- <name> ...` would, capturing what it prints. */
export async function runCli(command: (args: string[]) => Promise<number>, args: string[]) {
  let stdout = '';
  let stderr = '';
  const capture = (sink: (s: string) => void) => (chunk: string | Uint8Array) => {
    sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture((s) => (stdout += s)) as typeof process.stdout.write);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture((s) => (stderr += s)) as typeof process.stderr.write);
  try {
    const code = await command(args);
    return { code, stdout, stderr };
  } finally {
    vi.restoreAllMocks();
  }
}
