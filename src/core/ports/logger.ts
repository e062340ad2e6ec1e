/** The logging shape the core needs; pino satisfies it, so the core never imports pino. */

/** The logging shape the core needs; pino satisfies it, so the core never imports pino. */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  child(bindings: object): Logger;
}
