/**
 * Coded errors. Every failure that crosses a module boundary is a {@link HotlineError}
 * with a stable `code` (`HOTLINE_ERR_*`) and the HTTP status the API answers with.
 * Nothing matches on message text: callers switch on `code`.
 */

/** The catalogue of error codes with their HTTP status. */
export const ERROR_CODES = {
  HOTLINE_ERR_BAD_REQUEST: 400,
  HOTLINE_ERR_UNAUTHORIZED: 401,
  HOTLINE_ERR_FORBIDDEN: 403,
  HOTLINE_ERR_NOT_FOUND: 404,
  HOTLINE_ERR_NO_SUCH_CALL: 404,
  HOTLINE_ERR_NO_SUCH_FLOW: 404,
  HOTLINE_ERR_NO_SUCH_RECORDING: 404,
  HOTLINE_ERR_NO_SUCH_SUPERVISION: 404,
  HOTLINE_ERR_NO_SUCH_CALLBACK: 404,
  HOTLINE_ERR_CONFLICT: 409,
  HOTLINE_ERR_CALL_ENDED: 409,
  HOTLINE_ERR_ILLEGAL_STATE: 409,
  /** The call is driven by another Hotline node; ask that node (its id is in the details). */
  HOTLINE_ERR_WRONG_NODE: 421,
  /** A callback slot is full. */
  HOTLINE_ERR_SLOT_FULL: 409,
  /** A number callbacks may not dial (not valid, or not permitted by the allowlist). */
  HOTLINE_ERR_NUMBER_DENIED: 403,
  HOTLINE_ERR_FLOW_INVALID: 422,
  HOTLINE_ERR_TRANSFER_DENIED: 403,
  HOTLINE_ERR_CONFIG: 500,
  HOTLINE_ERR_INTERNAL: 500,
  HOTLINE_ERR_UNSUPPORTED: 501,
  HOTLINE_ERR_PBX: 502,
  HOTLINE_ERR_MEDIA_NOT_FOUND: 502,
  HOTLINE_ERR_ORIGINATE_FAILED: 502,
  HOTLINE_ERR_HTTP_STEP: 502,
  /** The speech recognizer (a cloud service) failed. */
  HOTLINE_ERR_SPEECH: 502,
  HOTLINE_ERR_PBX_UNAVAILABLE: 503,
  HOTLINE_ERR_STORE: 503,
  HOTLINE_ERR_TIMEOUT: 504,
} as const;

/** A stable error code. */
export type HotlineErrorCode = keyof typeof ERROR_CODES;

/** An error with a stable code, an HTTP status and optional structured details. */
export class HotlineError extends Error {
  readonly code: HotlineErrorCode;
  readonly statusCode: number;
  readonly details?: Record<string, unknown>;

  constructor(
    code: HotlineErrorCode,
    message: string,
    details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'HotlineError';
    this.code = code;
    this.statusCode = ERROR_CODES[code];
    if (details) this.details = details;
  }

  /** JSON body the HTTP API answers with. */
  toJSON(): { error: { code: string; message: string; details?: Record<string, unknown> } } {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/**
 * Creates a coded error.
 * @example
 * throw hotlineError('HOTLINE_ERR_NO_SUCH_CALL', `no call ${id}`, { callId: id });
 */
export function hotlineError(
  code: HotlineErrorCode,
  message: string,
  details?: Record<string, unknown>,
  cause?: unknown,
): HotlineError {
  return new HotlineError(code, message, details, cause === undefined ? undefined : { cause });
}

/** True when `err` is a {@link HotlineError}, optionally with one of `codes`. */
export function isHotlineError(err: unknown, ...codes: HotlineErrorCode[]): err is HotlineError {
  return err instanceof HotlineError && (codes.length === 0 || codes.includes(err.code));
}
