import { ensureChromium } from '../../infra/chromium';

declare module 'vitest' {
  export interface ProvidedContext {
    chromiumPath: string;
  }
}

/** Global setup of the browser project: Chromium present (installed when missing and root), its path provided. */
export default function setup(project: { provide(key: 'chromiumPath', value: string): void }) {
  project.provide(
    'chromiumPath',
    ensureChromium((m) => console.log(`[chromium-setup] ${m}`)),
  );
}
