/**
 * Serves the built web UI (web/dist) from the local server. In AWS the same files go to S3 +
 * CloudFront, so this is mounted only by the Node entry points.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import type { App } from './env.js';

export const WEB_UI_DIR = path.resolve(import.meta.dirname, '../../../web/dist');

export function mountWebUi(app: App, dir = WEB_UI_DIR): boolean {
  const index = path.join(dir, 'index.html');
  if (!existsSync(index)) return false;
  const root = path.relative(process.cwd(), dir) || '.';
  app.use('/assets/*', serveStatic({ root }));
  app.get('/favicon.svg', serveStatic({ root }));
  app.get('/', async (c) => c.html(await readFile(index, 'utf8')));
  // Client-side routes: any other GET that is not an API path gets the single-page app.
  app.get('*', async (c, next) => {
    const accept = c.req.header('accept') ?? '';
    if (!accept.includes('text/html')) return next();
    return c.html(await readFile(index, 'utf8'));
  });
  return true;
}
