/**
 * The run-time configuration the page reads before anything else (`GET /config.json`): where the API
 * and the live socket are, how to sign in and how to upload. One build serves every deployment.
 */
import type { WebConfig } from '../../src/app/http/api-types.js';

export type { WebConfig };

export async function loadWebConfig(): Promise<WebConfig> {
  let response: Response;
  try {
    response = await fetch('/config.json', { cache: 'no-store', headers: { accept: 'application/json' } });
  } catch {
    throw new Error('the server could not be reached');
  }
  if (!response.ok) throw new Error(`/config.json answered ${response.status}`);
  const config = (await response.json()) as WebConfig;
  if (typeof config?.auth?.mode !== 'string' || typeof config.upload?.mode !== 'string')
    throw new Error('/config.json is not a Pharos configuration');
  return config;
}

/** The API's base URL without a trailing slash ('' = this origin). */
export const apiBase = (config: WebConfig) => config.apiBaseUrl.replace(/\/+$/, '');

/** The live socket's URL for this token: the configured one, or /ws on this origin. */
export function socketUrl(config: WebConfig, token: string, location: Location = window.location): string {
  const url = new URL(
    config.webSocketUrl || `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`,
  );
  // API Gateway's $connect reads the token from the query string (a browser cannot set headers).
  url.searchParams.set('token', token);
  return url.toString();
}
