/** Shared start-up for the entry points: config, logger, signals, and a clean stop. */
import 'dotenv/config';
import { ConfigError, loadConfig } from '../app/config.js';
import { createLogger } from '../app/logger.js';
import { type Role, startRuntime } from '../app/runtime.js';
import { startupFailure } from '../app/startup-failure.js';

export async function main(role: Role): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const runtime = await startRuntime(config, role, logger).catch((error: unknown) => {
    logger.error({ err: error }, 'Pharos failed to start'); // the JSON line, for log collectors
    process.stderr.write(`\n${startupFailure(error)}\n\n`); // and a sentence for the person at the terminal
    process.exit(1);
  });
  if (runtime.url) process.stdout.write(`\nPharos is running: ${runtime.url}\n\n`);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping: finishing in-flight work');
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'unclean stop');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}
