/**
 * The logger the core uses: the structural part of pino it needs. The composition root passes
 * the pino root; sessions take a child bound to `callId`, `flowId` and `driver`.
 */
export interface Logger {
  child(bindings: Record<string, unknown>): Logger;
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** A logger that drops everything (tests that do not assert on logs). */
export const silentLogger: Logger = {
  child: () => silentLogger,
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
};
