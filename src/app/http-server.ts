/** The API, the web UI and the WebSocket on one Node HTTP server. */
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { pingDatabase } from '../adapters/postgres/db.js';
import { type Auth, selectAuth } from './auth.js';
import { systemClock } from './clock.js';
import { directUploadsFor } from './direct-uploads.js';
import { createHttpApp } from './http/app.js';
import { answerClientErrors } from './http/client-errors.js';
import { webConfigFrom } from './http/web-config.js';
import { mountWebUi } from './http/web-ui.js';
import type { Metrics } from './metrics.js';
import { readinessChecks } from './readiness.js';
import type { Services } from './services.js';
import { WebSocketHub } from './ws-hub.js';

/** The Hono app over the services: the same app serves the local server and the API Lambda. */
export function buildHttpApp(services: Services, auth: Auth, metrics: Metrics | null) {
  const { config, logger, db, queue, rawStorage } = services;
  return createHttpApp({
    images: services.photos,
    processing: services.processing,
    ...auth,
    maxUploadBytes: config.PHAROS_MAX_UPLOAD_BYTES,
    uploads: directUploadsFor(config, {
      images: services.images,
      rawStorage,
      storage: services.storage,
      status: services.status,
      logger,
    }),
    showGps: config.PHAROS_GPS === 'owner',
    webConfig: webConfigFrom(config),
    logger,
    ready: readinessChecks({ database: () => pingDatabase(db), queue, storage: rawStorage }),
    metrics:
      !metrics || config.PHAROS_METRICS === 'off'
        ? null
        : { instance: metrics, mode: config.PHAROS_METRICS, token: config.PHAROS_METRICS_TOKEN },
  });
}

export async function startHttp(
  services: Services,
  metrics: Metrics,
): Promise<{ url: string; stop(): Promise<void> }> {
  const { config, logger } = services;
  const auth = await selectAuth(config, { db: services.db, photos: services.photos, clock: systemClock });
  const app = buildHttpApp(services, auth, metrics);
  if (!mountWebUi(app)) logger.warn({}, 'web UI not built (web/dist missing): serving the API only');
  const hub = new WebSocketHub(auth.verifier, logger);
  await hub.start(services.notifier);
  auth.accounts.onDeleted((userId) => hub.disconnect(userId));
  metrics.addSources({ websocketConnections: () => hub.connectionCount });
  const server = await new Promise<Server>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, () =>
      resolve(s as Server),
    );
  });
  answerClientErrors(server, logger);
  server.on('upgrade', (request, socket, head) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (pathname === '/ws') void hub.handleUpgrade(request, socket, head);
    else socket.destroy();
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST === '0.0.0.0' || config.HOST === '127.0.0.1' ? 'localhost' : config.HOST;
  return {
    url: config.PHAROS_PUBLIC_URL ?? `http://${host}:${port}`,
    stop: async () => {
      // Sockets close first, or server.close() would wait on them forever.
      await hub.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
