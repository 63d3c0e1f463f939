import { loadConfig } from '../config';
import { locateTemporalCli } from '../infra/temporal-cli';
import { provisionTestServer } from '../infra/temporal-test-server';
import { locatePgBin } from '../infra/postgres';
import { provisionTemporalServer } from '../infra/temporal-server';

/** `npm run provision`: obtains and caches every server binary up front, timing each step. */
async function main() {
  const config = loadConfig(process.env);
  const timed = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    const t0 = Date.now();
    const result = await fn();
    console.log(`${what}: ${String(result)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return result;
  };
  await timed('PostgreSQL', async () => locatePgBin(config.database.binDir));
  const cli = await timed('Temporal CLI', () =>
    locateTemporalCli({ explicitPath: config.temporal.cliPath, cacheDir: config.cacheDir, log: console.log }),
  );
  if (!cli) throw new Error('Không tìm thấy hoặc không dựng được Temporal CLI (cần Go >= 1.25, hoặc đặt TEMPORAL_CLI_PATH)');
  await timed('Temporal time-skipping test server', () => provisionTestServer(config.cacheDir, console.log));
  // The cluster profile (npm run start:cluster, the fault suite's cluster scenarios, bench P7): built here,
  // once, rather than inside the first scenario that needs it.
  await timed('Temporal server (cluster profile)', async () => (await provisionTemporalServer(config.cacheDir, console.log)).server);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
