/**
 * The HTTP app with every optional part switched on, as `npm start` has them (local sign-in's JWKS,
 * metrics, the web UI's configuration): the routes' declarations, for the OpenAPI document's lint and
 * its completeness test. No handler runs, so the dependencies behind them are left out.
 */
import { silentLogger } from '../../core/logger.js';
import { Metrics } from '../metrics.js';
import { createHttpApp } from './app.js';
import type { App, HttpDependencies } from './env.js';

export function documentedApp(): App {
  return createHttpApp({
    jwks: () => ({ keys: [] }),
    metrics: { instance: new Metrics({}, silentLogger), mode: 'localhost' },
    maxUploadBytes: 1024,
    webConfig: {
      apiBaseUrl: '',
      webSocketUrl: '',
      auth: { mode: 'local' },
      upload: { mode: 'multipart', maxBytes: 1 },
    },
    logger: silentLogger,
  } as unknown as HttpDependencies);
}
