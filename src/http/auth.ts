import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { hotlineError } from '../core/errors.ts';
import type { Principal } from '../ports/audit.ts';
import type { ApiToken } from '../config/tokens-file.ts';

/** The principal of the admin token. */
export const ADMIN_PRINCIPAL: Principal = Object.freeze({ name: 'admin', role: 'admin', queues: '*' });

/** Options of {@link apiAuth}. */
export interface ApiAuthOptions {
  /** The admin token (principal {@link ADMIN_PRINCIPAL}). */
  adminToken: string;
  /** Principals of the tokens file, with their token digests. */
  tokens?: readonly ApiToken[];
}

/**
 * Requires `Authorization: Bearer <token>` and puts the token's {@link Principal} into
 * `res.locals.principal`. The presented token's SHA-256 is compared with every known digest in
 * constant time and without stopping at a match, so neither a token's content, its length nor
 * its position in the file leaks through timing.
 *
 * @example
 * app.use('/api', apiAuth({ adminToken: config.adminToken, tokens: config.apiTokens }));
 */
export function apiAuth(options: ApiAuthOptions): RequestHandler {
  const known: Array<{ digest: Buffer; principal: Principal }> = [
    { digest: digest(options.adminToken), principal: ADMIN_PRINCIPAL },
    ...(options.tokens ?? []).map((t) => ({
      digest: Buffer.from(t.tokenSha256, 'hex'),
      principal: Object.freeze({ name: t.name, role: t.role, queues: t.queues, ...(t.agentId !== undefined ? { agentId: t.agentId } : {}) }),
    })),
  ];
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!m) return next(hotlineError('HOTLINE_ERR_UNAUTHORIZED', 'missing bearer token: send Authorization: Bearer <token>'));
    const presented = digest(m[1]!);
    let found: Principal | undefined;
    for (const k of known) {
      if (timingSafeEqual(presented, k.digest) && !found) found = k.principal;
    }
    if (!found) return next(hotlineError('HOTLINE_ERR_UNAUTHORIZED', 'invalid bearer token'));
    res.locals.principal = found;
    next();
  };
}

/**
 * Admin-token-only auth (the API before roles existed).
 * @deprecated use {@link apiAuth}
 */
export function bearerAuth(token: string): RequestHandler {
  return apiAuth({ adminToken: token });
}

/** The authenticated principal of a request (set by {@link apiAuth}). */
export function principalOf(res: Response): Principal {
  const principal = res.locals.principal as Principal | undefined;
  // A route mounted without the auth middleware is a wiring bug, never an anonymous request.
  if (!principal) throw hotlineError('HOTLINE_ERR_UNAUTHORIZED', 'no authenticated principal');
  return principal;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
