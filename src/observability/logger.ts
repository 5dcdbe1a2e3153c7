import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';

/**
 * Paths pino replaces with `[Redacted]`: credentials, and card or secure-input data. Redaction is
 * configured here once rather than left to care at each call site. Call variables marked secure
 * are replaced by the session itself before they are logged; these paths are the safety net.
 */
export const REDACT_PATHS: readonly string[] = [
  'password', '*.password', '*.*.password',
  'token', '*.token', 'adminToken', '*.adminToken',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  'secure', '*.secure',
  'card', '*.card', '*.cardNumber', '*.card_number', '*.card_expiry', '*.card_cvv',
  'cvv', '*.cvv', 'expiry', '*.expiry',
  'apiKey', '*.apiKey', 'api_key', '*.api_key',
  'secret', '*.secret', '*.*.secret',
];

/** Options of {@link createLogger}. */
export interface CreateLoggerOptions {
  level: string;
  /** Where JSON lines go (stdout by default); tests pass a capturing stream. */
  destination?: DestinationStream;
  /** Fixed bindings on the root (`{ service: 'hotline' }`). */
  base?: Record<string, unknown>;
}

/**
 * The one pino root of the process. Children carry `reqId` (HTTP) or `callId` (sessions).
 *
 * @example
 * const logger = createLogger({ level: config.logLevel });
 * logger.child({ reqId }).info({ req: { method, url } }, 'request completed');
 */
export function createLogger(options: CreateLoggerOptions): PinoLogger {
  const pinoOptions = {
    level: options.level,
    base: options.base ?? { service: 'hotline' },
    redact: { paths: [...REDACT_PATHS], censor: '[Redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return options.destination ? pino(pinoOptions, options.destination) : pino(pinoOptions);
}
