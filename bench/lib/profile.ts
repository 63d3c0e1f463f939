import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { table } from './stats';

/*
 * A CPU profile of this process around one phase of a benchmark (the V8 sampling profiler via
 * the inspector, like `node --cpu-prof` but only where it is asked for). The .cpuprofile file
 * opens in Chrome DevTools; a summary of self time by package and by function is printed.
 * Run as a script it summarizes profile files: `tsx bench/lib/profile.ts /tmp/prof/*.cpuprofile`.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface Profiler {
  stop(name: string): Promise<string>;
}

export async function startProfile(): Promise<Profiler> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    async stop(name: string) {
      const { profile } = (await session.post('Profiler.stop')) as unknown as { profile: CpuProfile };
      session.disconnect();
      const file = path.join(os.tmpdir(), `bench-${name}-${process.pid}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(profile));
      printSummary(name, profile, file);
      return file;
    },
  };
}

/** Where a frame's code lives: a package under node_modules, a project folder, or Node itself. */
function owner(url: string): string {
  if (!url) return '(native / V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  const m = /\/work\/[^/]+\/[^/]+\/([^/]+)\//.exec(url);
  return m ? `project: ${m[1]}/` : path.basename(url);
}

export function printSummary(name: string, profile: CpuProfile, file: string): void {
  const total = (profile.endTime - profile.startTime) / 1000;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // The profiler's own start and stop (inspector calls from this file) are not the benchmark's.
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const c of (n as ProfileNode & { children?: number[] }).children ?? []) parentOf.set(c, n.id);
  const isProfiler = (id: number): boolean => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur))
      if (byId.get(cur)?.callFrame.url.endsWith('/lib/profile.ts')) return true;
    return false;
  };
  const selfMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++)
    if (!isProfiler(samples[i])) selfMs.set(samples[i], (selfMs.get(samples[i]) ?? 0) + (deltas[i] ?? 0) / 1000);
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    const n = byId.get(id)!;
    const o = n.callFrame.functionName === '(idle)' ? '(idle)' : owner(n.callFrame.url);
    byOwner.set(o, (byOwner.get(o) ?? 0) + ms);
    const f =
      `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url ? `${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
    byFunction.set(f, (byFunction.get(f) ?? 0) + ms);
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([label, ms]) => [label, `${ms.toFixed(0)} ms`, `${((ms / total) * 100).toFixed(1)}%`]);
  console.log(`\nCPU profile of ${name}: ${total.toFixed(0)} ms sampled, written to ${file}`);
  console.log(table(['self time by package', 'ms', 'share'], top(byOwner, 15)));
  console.log(table(['self time by function', 'ms', 'share'], top(byFunction, 15)));
  // Inclusive: each sample counts once for every distinct frame on its stack.
  const inclusive = new Map<string, number>();
  for (const [id, ms] of selfMs) {
    if (byId.get(id)!.callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (f.functionName === '(root)') continue;
      const label = `${f.functionName || '(anonymous)'} ${f.url ? `${path.basename(f.url)}:${f.lineNumber + 1}` : ''}`.trim();
      if (!seen.has(label)) inclusive.set(label, (inclusive.get(label) ?? 0) + ms);
      seen.add(label);
    }
  }
  console.log(table(['inclusive time by function', 'ms', 'share'], top(inclusive, 25)));
}

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

/** A sampling heap profile (`node --heap-prof`): live bytes at exit by package and by function. */
export function printHeapSummary(file: string): void {
  const { head } = JSON.parse(fs.readFileSync(file, 'utf8')) as { head: HeapNode };
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode) => {
    if (n.selfSize) {
      total += n.selfSize;
      const o = owner(n.callFrame.url);
      byOwner.set(o, (byOwner.get(o) ?? 0) + n.selfSize);
      const f =
        `${n.callFrame.functionName || '(anonymous)'} ${n.callFrame.url ? `${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}` : ''}`.trim();
      byFunction.set(f, (byFunction.get(f) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c);
  };
  walk(head);
  const top = (m: Map<string, number>, k: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([label, bytes]) => [label, `${(bytes / 2 ** 20).toFixed(1)} MiB`, `${((bytes / total) * 100).toFixed(1)}%`]);
  console.log(`\nHeap profile ${file}: ${(total / 2 ** 20).toFixed(0)} MiB sampled live`);
  console.log(table(['live heap by package', 'MiB', 'share'], top(byOwner, 12)));
  console.log(table(['live heap by allocating function', 'MiB', 'share'], top(byFunction, 15)));
}

/** Summarizes a `.cpuprofile` written by `node --cpu-prof`. */
export function printCpuProfileFile(file: string): void {
  printSummary(path.basename(file), JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile, file);
}

// `tsx bench/lib/profile.ts FILE...`: summarizes profiles written by `node --cpu-prof` / `--heap-prof`.
if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    if (file.endsWith('.heapprofile')) printHeapSummary(file);
    else printCpuProfileFile(file);
  }
}
