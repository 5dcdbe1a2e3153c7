import type { Principal } from '../../ports/audit.ts';
import type { SuperviseMode } from '../../ports/telephony.ts';
import { hotlineError } from '../errors.ts';

/** Supervisor modes, in the order the API documents them. */
export const SUPERVISE_MODES: readonly SuperviseMode[] = ['listen', 'whisper', 'barge', 'takeover'];

/**
 * Where a supervisor may be called: a SIP/IAX2 endpoint, a FreeSWITCH user or a simulated
 * phone. Nothing else reaches a dial string (no `&`, `,`, `;`, `/` tricks, no numbers).
 */
export const SUPERVISOR_ENDPOINT =
  /^(PJSIP|SIP|IAX2)\/[A-Za-z0-9_.@-]{1,64}$|^sim:[A-Za-z0-9_.-]{1,64}$|^user\/[A-Za-z0-9_.@-]{1,64}$|^sofia\/[A-Za-z0-9_.-]{1,32}\/[A-Za-z0-9_.@:-]{1,96}$/;

/** @throws `HOTLINE_ERR_BAD_REQUEST` for anything but a {@link SUPERVISE_MODES} member. */
export function assertMode(mode: unknown): asserts mode is SuperviseMode {
  if (typeof mode !== 'string' || !(SUPERVISE_MODES as readonly string[]).includes(mode)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', `mode must be one of ${SUPERVISE_MODES.join(', ')}`, { field: 'mode' });
  }
}

/** @throws `HOTLINE_ERR_BAD_REQUEST` for an endpoint not matching {@link SUPERVISOR_ENDPOINT}. */
export function assertEndpoint(endpoint: unknown): asserts endpoint is string {
  if (typeof endpoint !== 'string' || !SUPERVISOR_ENDPOINT.test(endpoint)) {
    throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'endpoint must be PJSIP/…, SIP/…, IAX2/…, user/… or sim:…', { field: 'endpoint' });
  }
}

/**
 * Why `principal` may not supervise calls of `queue`, or undefined when it may: admins supervise
 * everything, supervisors the queues assigned to them, agents nothing.
 *
 * @example
 * deniedReason({ name: 'sue', role: 'supervisor', queues: ['billing'] }, 'support'); // 'queue `support` is not assigned to sue'
 */
export function deniedReason(principal: Principal, queue: string | undefined): string | undefined {
  if (principal.role === 'admin') return undefined;
  if (principal.role !== 'supervisor') return `role ${principal.role} cannot supervise calls`;
  if (principal.queues === '*') return undefined;
  if (queue !== undefined && principal.queues.includes(queue)) return undefined;
  return queue === undefined ? 'the call is in no queue' : `queue \`${queue}\` is not assigned to ${principal.name}`;
}
