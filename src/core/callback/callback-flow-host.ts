import type { QueuedCaller } from '../../ports/acd-store.ts';
import { isFinalCallbackState } from '../../ports/callback-store.ts';
import type { CallbackResultData } from '../call/events.ts';
import { hotlineError } from '../errors.ts';
import type { CallbackHost, CallbackHostRequest } from './callback-host.ts';
import type { CallbackService } from './callback-service.ts';

/** Slots a `book` step offers. */
const SLOT_COUNT = 3;

/** What the host needs of the ACD (the ACD service). */
export interface KeepPlaceAcd {
  callerOf(callId: string): Promise<QueuedCaller | undefined>;
  keepPlace(callId: string, entryId: string): Promise<QueuedCaller | undefined>;
}

/** The `vars.callback` of a callback's own call (set by the dialer). */
export interface CallbackCallVars {
  id: string;
  queue: string;
  /** The ACD entry of a kept place (taken over by the call's queue step when still there). */
  entry: string;
  /** The callback's priority: the call's queue step joins with it. */
  priority?: number;
  /** A kept place's original time in the ACD: a retry re-joins at that place. */
  enqueuedAt?: number;
}

/**
 * The {@link CallbackHost} over the callback service and the ACD. On a callback's own call
 * (`vars.callback`), `book` moves that callback to the chosen slot instead of booking another,
 * and reports it through `onRescheduled` so the attempt ends `rescheduled`.
 */
export class CallbackFlowHost implements CallbackHost {
  readonly #callbacks: CallbackService;
  readonly #acd: KeepPlaceAcd | undefined;
  readonly #onRescheduled: ((callId: string) => void) | undefined;

  constructor(deps: { callbacks: CallbackService; acd?: KeepPlaceAcd; onRescheduled?: (callId: string) => void }) {
    this.#callbacks = deps.callbacks;
    this.#acd = deps.acd;
    this.#onRescheduled = deps.onRescheduled;
  }

  async request(r: CallbackHostRequest): Promise<CallbackResultData> {
    const own = callbackVars(r.vars);
    switch (r.op) {
      case 'keep-place':
        return this.#keepPlace(r);
      case 'slots': {
        if (!own) this.#callbacks.checkNumber(r.number);
        const slots = await this.#callbacks.offerSlots(own?.queue ?? r.queue, SLOT_COUNT);
        return { slots: slots.map((s) => ({ key: s.key, label: s.label })) };
      }
      case 'book': {
        if (!r.slotKey) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'no slot chosen');
        if (own) {
          await this.#callbacks.rescheduleToSlot(own.id, r.slotKey);
          this.#onRescheduled?.(r.callId);
          return { callbackId: own.id };
        }
        const record = await this.#callbacks.book({ callId: r.callId, number: r.number, queue: r.queue, priority: 0, slotKey: r.slotKey });
        return { callbackId: record.id };
      }
      case 'pending': {
        const pending = await this.#callbacks.pendingFor(r.number);
        const first = pending.find((p) => r.queue === '' || p.queue === r.queue) ?? pending[0];
        return first ? { callbackId: first.id } : {};
      }
      case 'cancel': {
        if (!r.callbackId) throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'no callback to cancel');
        await this.#callbacks.cancel(r.callbackId);
        return { callbackId: r.callbackId };
      }
    }
  }

  /** The caller's ACD entry becomes the callback's virtual entry (same id as the callback). */
  async #keepPlace(r: CallbackHostRequest): Promise<CallbackResultData> {
    if (!this.#acd) throw hotlineError('HOTLINE_ERR_UNSUPPORTED', 'this node runs no ACD');
    this.#callbacks.checkNumber(r.number);
    const entry = await this.#acd.callerOf(r.callId);
    if (!entry) {
      // A replay after a node died: the place may already be the callback this call made.
      const made = await this.#callbacks.madeBy(r.callId);
      if (made?.mode === 'keep-place' && !isFinalCallbackState(made.state)) return { callbackId: made.id };
    }
    if (!entry || entry.state === 'connected') throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `call ${r.callId} is not waiting in a queue`, { callId: r.callId });
    const record = await this.#callbacks.requestKeepPlace({ callId: r.callId, number: r.number, queue: entry.queue, priority: entry.priority, enqueuedAt: entry.enqueuedAt });
    const kept = await this.#acd.keepPlace(r.callId, record.id);
    if (!kept) {
      await this.#callbacks.cancel(record.id).catch(() => undefined);
      throw hotlineError('HOTLINE_ERR_ILLEGAL_STATE', `call ${r.callId} left the queue`, { callId: r.callId });
    }
    return { callbackId: record.id };
  }
}

/** `vars.callback` when the call is a callback's own call. */
export function callbackVars(vars: Record<string, unknown>): CallbackCallVars | undefined {
  const cb = vars.callback as Partial<CallbackCallVars> | undefined;
  return cb && typeof cb.id === 'string' && typeof cb.queue === 'string' && typeof cb.entry === 'string' ? (cb as CallbackCallVars) : undefined;
}
