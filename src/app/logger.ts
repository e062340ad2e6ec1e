/** Structured logs with pino; anything that could hold a secret is redacted before it is written. */
import { pino } from 'pino';
import type { Logger } from '../core/ports/index.js';

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'pharos' },
    redact: {
      paths: [
        'password',
        'token',
        'authorization',
        '*.password',
        '*.token',
        '*.authorization',
        'req.headers.authorization',
        'headers.authorization',
        'url',
        'connectionString',
      ],
      censor: '[redacted]',
    },
  }) as unknown as Logger;
}
