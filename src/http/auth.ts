import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { hotlineError } from '../core/errors.ts';

/**
 * Requires `Authorization: Bearer <token>`. Compares SHA-256 digests in constant time, so
 * neither the token's content nor its length leaks through timing.
 */
export function bearerAuth(token: string): RequestHandler {
  const expected = digest(token);
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return next(hotlineError('HOTLINE_ERR_UNAUTHORIZED', 'missing bearer token: send Authorization: Bearer <admin token>'));
    if (!timingSafeEqual(digest(m[1]!), expected)) return next(hotlineError('HOTLINE_ERR_UNAUTHORIZED', 'invalid bearer token'));
    next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
