/** What every handler can rely on: the dependencies, and the caller once authenticated. */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { DirectUploads } from '../../core/direct-uploads.js';
import type { ImageService } from '../../core/image-service.js';
import type { Logger } from '../../core/ports/index.js';
import type { ProcessingService } from '../../core/processing-service.js';
import type { TokenVerifier } from '../../core/ports/index.js';
import type { AccountService } from '../../core/accounts.js';
import type { Metrics, MetricsMode } from '../metrics.js';
import type { WebConfig } from './web-config.js';

export interface HttpDependencies {
  images: ImageService;
  processing: ProcessingService;
  /** Refuses tokens of users that no longer exist (see AccountService.verifierFor). */
  verifier: TokenVerifier;
  accounts: AccountService;
  jwks: (() => object) | null;
  maxUploadBytes: number;
  /** PHAROS_GPS: whether a photo's GPS position may appear in its owner's API output (default yes). */
  showGps?: boolean;
  /** Present when storage can be reached by the client (S3): upload slots and presigned redirects. */
  uploads?: DirectUploads | null;
  /** Served as GET /config.json (absent on AWS, where the stack writes the file next to the web bundle). */
  webConfig?: WebConfig | null;
  logger: Logger;
  ready: () => Promise<Record<string, boolean>>;
  /** Prometheus metrics: request timing middleware and the /metrics route (absent: neither). */
  metrics?: { instance: Metrics; mode: MetricsMode; token?: string } | null;
}

export type AppEnv = {
  Variables: {
    userId: string;
    /** What a route accepts as its body, named in a 415 or malformed-body answer. */
    accepts?: string;
  };
};
export type App = OpenAPIHono<AppEnv>;
