/**
 * Ports: the small interfaces behind which every external service sits, gathered in one place. Each has
 * a local adapter (the default) and a cloud adapter; which one runs is configuration, never a code change.
 */
export type * from './ai.js';
export type * from './auth.js';
export type * from './executions.js';
export type * from './images.js';
export type * from './logger.js';
export type * from './media.js';
export type * from './runtime.js';
