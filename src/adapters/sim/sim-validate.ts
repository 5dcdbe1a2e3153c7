import { hotlineError } from '../../core/errors.ts';
import type { TransferTarget } from '../../ports/telephony.ts';

/** A phone number or extension as the simulated PBX accepts it. */
export const SIM_NUMBER = /^\+?[0-9*#]{1,32}$/;
/** A simulated agent endpoint: `sim:<agentId>`. */
export const SIM_ENDPOINT = /^sim:[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const DTMF = /^[0-9A-Da-d*#]+$/;
/** A PBX endpoint as a transfer target: `PJSIP/200`, `sim:alice`. */
const TRANSFER_ENDPOINT = /^[A-Za-z][A-Za-z0-9]*[/:][A-Za-z0-9_.@+-]{1,64}$/;
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** Throws `HOTLINE_ERR_BAD_REQUEST` unless `value` is a number or extension. */
export function assertNumber(value: string, field: string): void {
  if (!SIM_NUMBER.test(value)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `${field} must be a phone number or extension`, { field });
  }
}

/** Throws unless `value` is a number or a `sim:<agentId>` endpoint. */
export function assertDialable(value: string, field: string): void {
  if (!SIM_NUMBER.test(value) && !SIM_ENDPOINT.test(value)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `${field} must be a phone number, an extension or sim:<agentId>`, {
      field,
    });
  }
}

/** Throws unless `digits` are DTMF digits (0-9, A-D, *, #). */
export function assertDtmf(digits: string): void {
  if (!DTMF.test(digits)) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'digits must be DTMF digits (0-9, A-D, *, #)');
}

/** Throws unless `name` can be a channel variable name. */
export function assertVariableName(name: string): void {
  if (!VARIABLE_NAME.test(name)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'variable names are letters, digits and _', { name });
  }
}

/** Throws `HOTLINE_ERR_BAD_REQUEST` unless the target is a number or a PBX endpoint. */
export function assertTransferTarget(target: TransferTarget): void {
  const valid = target.kind === 'number' ? SIM_NUMBER.test(target.value) : TRANSFER_ENDPOINT.test(target.value);
  if (!valid) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `not a valid transfer ${target.kind}`, { kind: target.kind });
}
