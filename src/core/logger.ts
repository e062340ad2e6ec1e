/** A logger that drops everything (tests, tools); pino satisfies the `Logger` port in the apps. */
import type { Logger } from './ports/logger.js';

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => silentLogger,
};
