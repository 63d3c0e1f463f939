import fs from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Debian's Chromium (156 in bookworm-security), the browser Playwright 1.64 expects. */
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_INSTALL = 'apt-get install -y --no-install-recommends chromium';

/**
 * Flags for a headless Chromium in a container without a display or network: no sandbox (root),
 * no GPU, nothing fetched in the background.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The Chromium the browser tests drive, obtained like the other servers: when it is missing and
 * this process may install packages (root), `apt-get update` then the install; otherwise an error
 * naming the one command to run. Playwright's own download (`npx playwright install`) needs the internet.
 */
export function ensureChromium(log: (m: string) => void = () => undefined): string {
  if (fs.existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  if (process.getuid?.() !== 0) throw new Error(`Chromium không có tại ${CHROMIUM_PATH}; hãy chạy (quyền root): ${CHROMIUM_INSTALL}`);
  log(`Chromium chưa có; đang cài bằng apt-get (${CHROMIUM_INSTALL})...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [
    ['update', '-qq'],
    ['install', '-y', '-qq', '--no-install-recommends', 'chromium'],
  ]) {
    const r = spawnSync('apt-get', args, { stdio: 'inherit', env });
    if (r.status !== 0)
      throw new Error(`apt-get ${args.join(' ')} thất bại (mã ${r.status}); hãy chạy: apt-get update && ${CHROMIUM_INSTALL}`);
  }
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`Đã cài chromium nhưng không thấy ${CHROMIUM_PATH}`);
  return CHROMIUM_PATH;
}
