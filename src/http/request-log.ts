import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../ports/logger.ts';

/**
 * Binds a child logger with a `reqId` to every request (`req.log`) and logs one line when the
 * response finishes. Bodies are never logged; `token` query parameters (the web page's URL) are
 * masked.
 */
export function requestLogger(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const reqId = incoming && /^[A-Za-z0-9._-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    const log = logger.child({ reqId });
    (req as unknown as { log: Logger }).log = log;
    res.setHeader('x-request-id', reqId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const responseTimeMs = Number(process.hrtime.bigint() - started) / 1e6;
      log.info(
        { req: { method: req.method, url: maskUrl(req.originalUrl) }, res: { statusCode: res.statusCode }, responseTimeMs },
        'request completed',
      );
    });
    next();
  };
}

/** Replaces the value of `token` query parameters. */
export function maskUrl(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[Redacted]');
}
