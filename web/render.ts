import type { Response } from 'express';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';

/** Sends a whole page (Preact, escaped by default); pages hold personal data, so nothing caches them. */
export function sendPage(res: Response, status: number, page: VNode<any>): void {
  res
    .status(status)
    .type('html')
    .set('Cache-Control', 'no-store')
    .send(`<!doctype html>${render(page)}`);
}

/** Sends an HTML fragment for htmx to swap in. */
export function sendFragment(res: Response, status: number, fragment: VNode<any>): void {
  res.status(status).type('html').set('Cache-Control', 'no-store').send(render(fragment));
}
