/**
 * The web UI's run-time configuration, `GET /config.json`: one build of the UI serves every
 * deployment. The local server answers it from its own settings; on AWS the stack writes the same
 * shape next to the web bundle at deploy time. Defined once here; the UI imports the type.
 */
import { z } from '@hono/zod-openapi';

export const WebAuthConfig = z
  .discriminatedUnion('mode', [
    z.object({ mode: z.literal('local') }),
    z.object({
      mode: z.literal('oidc'),
      /** The issuer; its /.well-known/openid-configuration is read by the UI. */
      authority: z.string().url(),
      clientId: z.string().min(1),
      scope: z.string().min(1),
      /** For providers without end_session_endpoint (Cognito's /logout). */
      logoutUrl: z.string().url().optional(),
    }),
  ])
  .openapi('WebAuthConfig');

export const WebConfigSchema = z
  .object({
    /** '' = the page's own origin. */
    apiBaseUrl: z.string(),
    /** '' = the page's own origin, path /ws. */
    webSocketUrl: z.string(),
    auth: WebAuthConfig,
    upload: z.object({
      mode: z.enum(['multipart', 'direct']),
      maxBytes: z.number().int().positive(),
    }),
  })
  .openapi('WebConfig');

export type WebConfig = z.infer<typeof WebConfigSchema>;

/** The settings of config.ts that the page needs (a subset, so this module stays free of env parsing). */
export interface WebConfigSettings {
  PHAROS_AUTH: 'local' | 'oidc';
  PHAROS_WEB_API_URL?: string;
  PHAROS_WEB_SOCKET_URL?: string;
  PHAROS_UPLOAD_MODE: 'multipart' | 'direct';
  PHAROS_MAX_UPLOAD_BYTES: number;
  OIDC_ISSUER?: string;
  OIDC_CLIENT_ID?: string;
  OIDC_AUDIENCE?: string;
  OIDC_SCOPE: string;
  OIDC_LOGOUT_URL?: string;
}

export function webConfigFrom(settings: WebConfigSettings): WebConfig {
  const auth: WebConfig['auth'] =
    settings.PHAROS_AUTH === 'oidc'
      ? {
          mode: 'oidc',
          authority: settings.OIDC_ISSUER!,
          clientId: (settings.OIDC_CLIENT_ID ?? settings.OIDC_AUDIENCE)!,
          scope: settings.OIDC_SCOPE,
          ...(settings.OIDC_LOGOUT_URL ? { logoutUrl: settings.OIDC_LOGOUT_URL } : {}),
        }
      : { mode: 'local' };
  return WebConfigSchema.parse({
    apiBaseUrl: settings.PHAROS_WEB_API_URL ?? '',
    webSocketUrl: settings.PHAROS_WEB_SOCKET_URL ?? '',
    auth,
    upload: { mode: settings.PHAROS_UPLOAD_MODE, maxBytes: settings.PHAROS_MAX_UPLOAD_BYTES },
  });
}
