import type { CallbackOp, CallbackResultData } from '../call/events.ts';

/** One request of a `callback` step (see `effect.callback`). */
export interface CallbackHostRequest {
  op: CallbackOp;
  /** The call making the request. */
  callId: string;
  /** The step's queue (`keep-place` uses the queue the caller waits in). */
  queue: string;
  /** Caller ID or keyed number, unchecked (the host applies the number policy). */
  number: string;
  slotKey?: string;
  callbackId?: string;
  /** The call's variables (`vars.callback` on a callback's own call). */
  vars: Record<string, unknown>;
}

/**
 * What a call session needs from callbacks: the effects of a `callback` step. Rejects with a
 * `HotlineError` (`HOTLINE_ERR_NUMBER_DENIED`, `HOTLINE_ERR_SLOT_FULL`, …); the session turns
 * it into a failed `callback.result` carrying the code.
 */
export interface CallbackHost {
  request(request: CallbackHostRequest): Promise<CallbackResultData>;
}
