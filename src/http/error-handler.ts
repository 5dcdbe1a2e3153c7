import type { ErrorRequestHandler, RequestHandler } from 'express';
import { HotlineError, hotlineError } from '../core/errors.ts';
import type { Logger } from '../ports/logger.ts';

/** Answers unknown routes with a JSON 404 (never express's HTML page). */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(hotlineError('HOTLINE_ERR_NOT_FOUND', `no route ${req.method} ${req.path}`));
};

/**
 * Maps errors to JSON answers: a {@link HotlineError} answers its `statusCode` with `toJSON()`;
 * body-parser failures (malformed JSON, too large) become 400 with the reason; anything else is
 * a 500 whose details stay in the log.
 */
export function errorHandler(options: { logger: Logger; onServerError?: (code: string) => void }): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const log: Logger = (req as { log?: Logger }).log ?? options.logger;
    const error = toHotlineError(err);
    if (error.statusCode >= 500) {
      log.error({ err, code: error.code }, 'request failed');
      options.onServerError?.(error.code);
    }
    if (res.headersSent) return;
    res.status(error.statusCode).json(error.toJSON());
  };
}

function toHotlineError(err: unknown): HotlineError {
  if (err instanceof HotlineError) return err;
  const e = err as { type?: string; status?: number; message?: string };
  if (e?.type === 'entity.parse.failed') return hotlineError('HOTLINE_ERR_BAD_REQUEST', `malformed JSON body: ${e.message}`);
  if (e?.type === 'entity.too.large') return hotlineError('HOTLINE_ERR_BAD_REQUEST', 'request body too large (limit 64 kB)');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return hotlineError('HOTLINE_ERR_BAD_REQUEST', e.message ?? 'unsupported body encoding');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return hotlineError(e.status === 404 ? 'HOTLINE_ERR_NOT_FOUND' : 'HOTLINE_ERR_BAD_REQUEST', e.message ?? 'bad request');
  }
  return hotlineError('HOTLINE_ERR_INTERNAL', 'internal error');
}
