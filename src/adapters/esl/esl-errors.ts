import { hotlineError, type HotlineError } from '../../core/errors.ts';
import type { HangupCause } from '../../ports/telephony.ts';

/**
 * FreeSWITCH failures → HotlineError. FreeSWITCH reports errors as text: `-ERR <reason>` or
 * `-USAGE: ...` inside an ordinary `api/response` or `BACKGROUND_JOB` body, `-ERR ...` in a
 * `command/reply`'s `Reply-Text`. These helpers are the one place that reads that text.
 */

/** True when an api/bgapi result or reply text reports a failure. */
export function isEslFailure(text: string): boolean {
  return text.startsWith('-ERR') || text.startsWith('-USAGE');
}

/** FreeSWITCH hangup cause names (Q.850 based) → Hotline's neutral causes. */
const FROM_FS: Record<string, HangupCause> = {
  NORMAL_CLEARING: 'normal',
  NORMAL_UNSPECIFIED: 'normal',
  MANAGER_REQUEST: 'normal',
  SUCCESS: 'normal',
  USER_BUSY: 'busy',
  NO_ANSWER: 'no-answer',
  NO_USER_RESPONSE: 'no-answer',
  ORIGINATOR_CANCEL: 'no-answer',
  ALLOTTED_TIMEOUT: 'no-answer',
  PROGRESS_TIMEOUT: 'no-answer',
  CALL_REJECTED: 'rejected',
  USER_NOT_REGISTERED: 'unavailable',
  SUBSCRIBER_ABSENT: 'unavailable',
  UNALLOCATED_NUMBER: 'unavailable',
  NO_ROUTE_DESTINATION: 'unavailable',
  NO_ROUTE_TRANSIT_NET: 'unavailable',
  DESTINATION_OUT_OF_ORDER: 'unavailable',
  NORMAL_TEMPORARY_FAILURE: 'unavailable',
  NUMBER_CHANGED: 'unavailable',
  INVALID_NUMBER_FORMAT: 'unavailable',
  NORMAL_CIRCUIT_CONGESTION: 'congestion',
  SWITCH_CONGESTION: 'congestion',
  NETWORK_OUT_OF_ORDER: 'congestion',
  RECOVERY_ON_TIMER_EXPIRE: 'congestion',
};

/** Maps a FreeSWITCH cause name; unknown names (INVALID_GATEWAY, CHAN_NOT_IMPLEMENTED, ...) are `failed`. */
export function causeFromFreeSwitch(name: string | undefined): HangupCause {
  return (name && FROM_FS[name.trim()]) || 'failed';
}

const TO_FS: Record<HangupCause, string> = {
  normal: 'NORMAL_CLEARING',
  busy: 'USER_BUSY',
  'no-answer': 'NO_ANSWER',
  rejected: 'CALL_REJECTED',
  unavailable: 'NORMAL_TEMPORARY_FAILURE',
  congestion: 'NORMAL_CIRCUIT_CONGESTION',
  failed: 'DESTINATION_OUT_OF_ORDER',
};

/** Hotline's cause → the FreeSWITCH cause name sent with a hangup. */
export function causeToFreeSwitch(cause: HangupCause | undefined): string {
  return TO_FS[cause ?? 'normal'] ?? 'NORMAL_CLEARING';
}

/**
 * Translates a failed api/bgapi result or reply text. `-ERR No such channel!` (and its
 * siblings for other commands) means the leg is gone.
 */
export function eslError(text: string, details: Record<string, unknown> = {}): HotlineError {
  const reason = text.replace(/^-(ERR|USAGE:?)\s*/, '').trim();
  if (/no such channel|cannot locate session|invalid uuid/i.test(reason)) {
    return hotlineError('HOTLINE_ERR_CALL_ENDED', `FreeSWITCH: ${reason}`, { ...details, reply: text.trim() });
  }
  return hotlineError('HOTLINE_ERR_PBX', `FreeSWITCH: ${reason || text.trim()}`, { ...details, reply: text.trim() });
}

/** An originate failure (`-ERR USER_BUSY`) with the neutral cause in `details.cause`. */
export function originateError(text: string, details: Record<string, unknown> = {}): HotlineError {
  const fsCause = text.replace(/^-ERR\s*/, '').trim().split(/\s+/)[0] ?? '';
  if (text.startsWith('-USAGE')) return eslError(text, details);
  return hotlineError('HOTLINE_ERR_ORIGINATE_FAILED', `originate failed: ${fsCause || text.trim()}`, {
    ...details,
    cause: causeFromFreeSwitch(fsCause),
    pbxCause: fsCause,
  });
}

/** The ESL connection is down. */
export function unavailable(what: string): HotlineError {
  return hotlineError('HOTLINE_ERR_PBX_UNAVAILABLE', `FreeSWITCH connection is down (${what})`);
}

/** A command on a leg that has hung up or left Hotline. */
export function callEnded(legId: string): HotlineError {
  return hotlineError('HOTLINE_ERR_CALL_ENDED', `call leg ${legId} has ended`, { legId });
}
