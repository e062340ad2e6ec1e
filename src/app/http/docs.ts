/**
 * The interactive API reference at /docs: Swagger UI reading /openapi.json. Its script and styles
 * are served from the installed swagger-ui-dist package, never from a CDN, so the page works offline.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { App } from './env.js';
import { errorResponse } from './errors.js';

const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

function assetDir(): string | null {
  try {
    return path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  } catch {
    return null; // a bundle without node_modules (Lambda): /docs answers 404, /openapi.json still works
  }
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Pharos API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/docs/assets/init.js"></script>
</body>
</html>
`;

// Sign in with POST /auth/login, then "Authorize" with the token: it is kept across reloads.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
});
`;

export function mountApiDocs(app: App): void {
  const dir = assetDir();
  const cache = new Map<string, Uint8Array<ArrayBuffer>>();
  app.get('/docs', (c) =>
    dir
      ? c.html(PAGE)
      : errorResponse(c, 404, 'not_found', 'API docs are not bundled here; see /openapi.json'),
  );
  app.get('/docs/assets/:file', async (c) => {
    const file = c.req.param('file');
    if (file === 'init.js') return c.body(INIT, 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
    const type = ASSETS[file];
    if (!dir || !type) return errorResponse(c, 404, 'not_found', `no asset ${file}`);
    let bytes = cache.get(file);
    if (!bytes) cache.set(file, (bytes = new Uint8Array(await readFile(path.join(dir, file)))));
    return c.body(bytes, 200, { 'Content-Type': type, 'Cache-Control': 'public, max-age=86400' });
  });
}
