/** A worker: takes tickets from the queue and runs them, and sweeps for work a crash left without one. */
import type { JobTicket } from '../core/domain.js';
import { PROCESSING_QUEUE } from '../core/processing-service.js';
import type { Services } from './services.js';

import { directUploadsFor } from './direct-uploads.js';

export async function startWorker(services: Services, workerId: string): Promise<{ stop(): Promise<void> }> {
  const { config, logger, processing, queue } = services;
  await queue.work<JobTicket>(PROCESSING_QUEUE, (job, signal) => processing.handleTicket(job.data, signal));
  const { images, rawStorage, storage, status } = services;
  const slots = directUploadsFor(config, { images, rawStorage, storage, status, logger });
  const sweep = setInterval(() => {
    processing.recoverStalled(config.PHAROS_STALLED_AFTER_SECONDS * 1000).then(
      (resent) => logger.debug({ resent }, 'stalled-work sweep done'), // observable: tests wait for sweeps
      (error: unknown) => logger.warn({ err: error }, 'stalled-work sweep failed'),
    );
    slots?.expireSlots().catch((error: unknown) => logger.warn({ err: error }, 'upload-slot sweep failed'));
  }, config.PHAROS_SWEEP_SECONDS * 1000);
  sweep.unref();
  logger.info({ worker_id: workerId }, 'worker started');
  return { stop: async () => clearInterval(sweep) };
}
