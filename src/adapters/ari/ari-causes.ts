import type { HangupCause } from '../../ports/telephony.ts';

/**
 * Q.850 cause (ARI `cause` in `ChannelHangupRequest` / `ChannelDestroyed`) → {@link HangupCause}.
 * 0 ("Unknown") and absent causes are `normal`; see `dialstatusToCause` for Local channels.
 */
export function q850ToCause(cause: number | undefined): HangupCause {
  switch (cause) {
    case undefined:
    case 0:
    case 16:
    case 31:
    case 32: // soft hangup requested through ARI
      return 'normal';
    case 17:
      return 'busy';
    case 18:
    case 19:
      return 'no-answer';
    case 21:
      return 'rejected';
    case 34:
    case 38:
    case 41:
    case 42:
    case 44:
    case 47:
      return 'congestion';
    case 1:
    case 2:
    case 3:
    case 20:
    case 22:
    case 27:
    case 28:
      return 'unavailable';
    default:
      return cause >= 50 ? 'failed' : 'normal';
  }
}

/**
 * `Dial.dialstatus` → {@link HangupCause}. An originated Local channel is destroyed with cause 0
 * ("Unknown") when the far end is busy (see `originate-failures.jsonl`): the `Dial` event that
 * came before it is the only place the real reason shows.
 */
export function dialstatusToCause(dialstatus: string): HangupCause | undefined {
  switch (dialstatus) {
    case 'BUSY':
      return 'busy';
    case 'NOANSWER':
      return 'no-answer';
    case 'CONGESTION':
      return 'congestion';
    case 'CHANUNAVAIL':
      return 'unavailable';
    case 'CANCEL':
      return 'normal';
    default:
      return undefined;
  }
}

/**
 * {@link HangupCause} → the `reason` enumeration of `DELETE /channels/{id}`
 * (`normal, busy, congestion, no_answer, timeout, rejected, unallocated, …, failure`).
 */
export function causeToHangupReason(cause: HangupCause): string {
  switch (cause) {
    case 'normal':
      return 'normal';
    case 'busy':
      return 'busy';
    case 'no-answer':
      return 'no_answer';
    case 'rejected':
      return 'rejected';
    case 'unavailable':
      return 'unallocated';
    case 'congestion':
      return 'congestion';
    case 'failed':
      return 'failure';
  }
}
