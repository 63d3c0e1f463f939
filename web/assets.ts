import path from 'node:path';

/** The files the pages load: our stylesheet and htmx 2 from node_modules (no CDN). */
export const ASSET_PATHS = Object.freeze({
  css: '/assets/app.css',
  htmx: '/assets/htmx.min.js',
});

export const ASSET_FILES: Readonly<Record<string, { file: string; type: string }>> = Object.freeze({
  [ASSET_PATHS.css]: { file: path.join(__dirname, 'assets', 'app.css'), type: 'text/css; charset=utf-8' },
  [ASSET_PATHS.htmx]: {
    file: path.join(path.dirname(require.resolve('htmx.org/package.json')), 'dist', 'htmx.min.js'),
    type: 'text/javascript; charset=utf-8',
  },
});
