import { hotlineError, isHotlineError, type HotlineError } from '../../core/errors.ts';

/** What an ARI request addressed, so a 404 can be told apart ("the call is gone" vs "no such bridge"). */
export type AriTarget = 'channel' | 'bridge' | 'playback' | 'recording' | 'other';

/** Where a failed request went (never carries credentials). */
export interface AriRequestContext {
  method: string;
  path: string;
  target: AriTarget;
}

/**
 * Translates an ARI error response into a {@link HotlineError}. Vendor text travels only in
 * `details.ariMessage`; callers switch on `code` (and, inside this adapter, on `details.ariStatus`).
 *
 * - 401 → `HOTLINE_ERR_PBX_UNAVAILABLE` (authentication failed)
 * - 404 on a channel or playback → `HOTLINE_ERR_CALL_ENDED`; on a bridge or recording → `HOTLINE_ERR_NOT_FOUND`;
 *   on an unknown route → `HOTLINE_ERR_PBX`
 * - 409 / 412 → `HOTLINE_ERR_ILLEGAL_STATE` (channel not in Stasis, recording exists…)
 * - 400 / 422 / other 4xx / 5xx → `HOTLINE_ERR_PBX`; 502–504 → `HOTLINE_ERR_PBX_UNAVAILABLE`
 */
export function errorFromAriResponse(status: number, ariMessage: string | undefined, ctx: AriRequestContext): HotlineError {
  const details = { ariStatus: status, ariMessage: ariMessage ?? '', method: ctx.method, path: ctx.path };
  if (status === 401 || status === 403) {
    return hotlineError('HOTLINE_ERR_PBX_UNAVAILABLE', 'ARI authentication failed', details);
  }
  if (status === 404) {
    if (ariMessage === 'Resource not found') return hotlineError('HOTLINE_ERR_PBX', 'ARI route not found', details);
    if (ctx.target === 'channel' || ctx.target === 'playback') {
      return hotlineError('HOTLINE_ERR_CALL_ENDED', `ARI ${ctx.target} is gone`, details);
    }
    return hotlineError('HOTLINE_ERR_NOT_FOUND', `ARI ${ctx.target} not found`, details);
  }
  if (status === 409 || status === 412) {
    return hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `ARI refused ${ctx.method} ${ctx.path} in this state`, details);
  }
  if (status >= 502 && status <= 504) {
    return hotlineError('HOTLINE_ERR_PBX_UNAVAILABLE', 'Asterisk is unavailable', details);
  }
  return hotlineError('HOTLINE_ERR_PBX', `ARI rejected ${ctx.method} ${ctx.path} (${status})`, details);
}

/** A request that never got an answer (connection refused, reset, timeout). */
export function errorFromNetwork(cause: unknown, ctx: AriRequestContext): HotlineError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return hotlineError(
    'HOTLINE_ERR_PBX_UNAVAILABLE',
    'Asterisk is unreachable',
    { method: ctx.method, path: ctx.path, reason },
    cause,
  );
}

/** The ARI status behind an error made by {@link errorFromAriResponse}, if any. */
export function ariStatusOf(err: unknown): number | undefined {
  if (!isHotlineError(err)) return undefined;
  const status = err.details?.['ariStatus'];
  return typeof status === 'number' ? status : undefined;
}

/** The ARI message behind an error made by {@link errorFromAriResponse}, if any. */
export function ariMessageOf(err: unknown): string | undefined {
  if (!isHotlineError(err)) return undefined;
  const message = err.details?.['ariMessage'];
  return typeof message === 'string' ? message : undefined;
}

/** Re-codes an error: keeps message, details and cause. */
export function recode(err: HotlineError, code: Parameters<typeof hotlineError>[0], message?: string): HotlineError {
  return hotlineError(code, message ?? err.message, err.details, err.cause);
}

/** Anything thrown inside the adapter, as a {@link HotlineError} (never a vendor error). */
export function asHotlineError(err: unknown, message = 'ARI operation failed'): HotlineError {
  if (isHotlineError(err)) return err;
  return hotlineError('HOTLINE_ERR_PBX', message, { reason: err instanceof Error ? err.message : String(err) }, err);
}
