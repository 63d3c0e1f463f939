import { spawn } from 'node:child_process';

/*
 * Node cannot have Linux signal a child when its parent dies, so a shell holding a pipe only this
 * process writes stops the servers on end-of-file, SIGKILL included. The next start's cleanup
 * (infra/leftovers.ts) is the guarantee. See docs/architecture.md, "One process for `npm start`".
 */
const SCRIPT = `
guarded=""
while read -r cmd pid sig; do
  case "$cmd" in
    guard) guarded="$guarded $pid:$sig" ;;
    unguard)
      kept=""
      for g in $guarded; do [ "\${g%%:*}" = "$pid" ] || kept="$kept $g"; done
      guarded="$kept" ;;
    release) exit 0 ;;
  esac
done
for g in $guarded; do kill -s "\${g#*:}" "\${g%%:*}" 2>/dev/null; done
i=0
while [ $i -lt 40 ]; do
  left=""
  for g in $guarded; do kill -0 "\${g%%:*}" 2>/dev/null && left="$left $g"; done
  [ -z "$left" ] && exit 0
  sleep 0.5
  i=$((i + 1))
done
for g in $left; do kill -s KILL "\${g%%:*}" 2>/dev/null; done
`;

export interface Watchdog {
  /** Stop `pid` with `signal` (SIGKILL 20 s later) if this process dies before unguarding it. */
  guard(pid: number, signal: 'SIGTERM' | 'SIGINT'): void;
  unguard(pid: number): void;
  /** Ends the watchdog without stopping anything (after a normal stop); resolves once it was told. */
  release(): Promise<void>;
}

/** Starts the watchdog; `label` (the data directory) is on its command line, for `ps`. */
export function startWatchdog(label: string): Watchdog {
  const child = spawn('sh', ['-c', SCRIPT, 'directive-engine-watchdog', label], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.unref();
  const stdin = child.stdin!;
  // The pipe must not keep this process alive, and a watchdog that died must not crash it.
  (stdin as unknown as { unref?: () => void }).unref?.();
  stdin.on('error', () => undefined);
  child.on('error', () => undefined);
  const send = (line: string) => {
    if (!stdin.destroyed) stdin.write(`${line}\n`);
  };
  return {
    guard: (pid, signal) => send(`guard ${pid} ${signal.replace(/^SIG/, '')}`),
    unguard: (pid) => send(`unguard ${pid} -`),
    release: () =>
      new Promise<void>((resolve) => {
        if (stdin.destroyed) return resolve();
        const timer = setTimeout(resolve, 1_000);
        stdin.end('release - -\n', () => {
          clearTimeout(timer);
          resolve();
        });
      }),
  };
}
