import type { CallbackStep } from '../flow/types.ts';
import { enterStep, promptState, type StateConfig, type StepCompileContext, type StepCompiler } from './step-compiler.ts';

/** How long the caller has to press a key after a callback prompt. */
const KEY_WAIT_MS = 8_000;
/** Between digits of a keyed number. */
const DIGIT_WAIT_MS = 10_000;
/** Longest number a caller may key (E.164 with a national prefix). */
const MAX_NUMBER_DIGITS = 16;
/** Slots offered by a `book` step. */
const SLOT_COUNT = 3;

/**
 * `callback`: requests go through the session's `CallbackHost` (`effect.callback`, answered by
 * `callback.result`), so the machine stays pure.
 *
 * - `keep-place` / `book`: read the caller ID back, 1 confirms, 2 keys another number and `#`.
 *   A number the host refuses plays `callback-number-denied` and ends in `error`.
 *   `keep-place` then turns the caller's ACD entry into a callback (`done`); `book` plays the next
 *   three slots, a key 1–3 books one (`done`), none left or the slot filled up → `full`.
 * - `pending`: a callback pending for the caller ID → `callback-pending`, 1 keeps it (`kept`),
 *   2 cancels it (`cancelled`); no callback → `none`.
 *
 * A caller hanging up in a `keep-place` step before their place became a callback leaves the
 * ACD as abandoned; `error` leaves the ACD entry alone, so a queue step the flow goes back to
 * re-joins at the same place.
 */
export const compileCallback: StepCompiler<CallbackStep> = (stepId, step, ctx) => {
  const id = ctx.id(stepId);
  const queue = step.queue ?? '';
  const base = { id, entry: [enterStep(ctx, stepId, 'callback'), 'callbackStart'] };
  if (step.action === 'pending') return { ...base, ...pendingStates(stepId, step, ctx), exit: ['stopPlay', 'clearPending', 'callbackClear'] };

  const error = ctx.target(stepId, step, 'error');
  const done = ctx.target(stepId, step, 'done');
  const full = ctx.targetOrUndefined(stepId, step, 'full') ?? error;
  const next = step.action === 'keep-place' ? `#${id}.apply` : `#${id}.slots`;
  const timerId = `${id}:key`;
  const failed = [
    { guard: { type: 'callbackFailedWith', params: { code: 'HOTLINE_ERR_NUMBER_DENIED' } }, target: `#${id}.denied` },
    { guard: 'isPendingCallback', target: error, actions: ['storeError'] },
  ];
  const states: Record<string, StateConfig> = {
    confirm: keyMenu(ctx, stepId, 'confirm', ['callback-number-is', { digits: '${call.from}' }, 'callback-confirm-number'], `${timerId}:confirm`, error, [
      { guard: { type: 'digitIs', params: { key: '1' } }, target: next },
      { guard: { type: 'digitIs', params: { key: '2' } }, target: `#${id}.enter` },
    ]),
    enter: {
      initial: 'prompt',
      entry: ['clearDigits'],
      states: {
        prompt: promptState(ctx, stepId, 'callback-enter-number', `#${id}.enter.wait`, { bargeIn: true }),
        wait: {
          tags: ['input'],
          entry: [{ type: 'startTimer', params: { id: `${timerId}:digits`, ms: DIGIT_WAIT_MS } }],
          exit: [{ type: 'cancelTimer', params: { id: `${timerId}:digits` } }],
          on: { 'timer.fired': { guard: { type: 'isTimer', params: { id: `${timerId}:digits` } }, target: `#${id}.denied` } },
        },
      },
      on: {
        'call.dtmf': [
          { guard: { type: 'digitIs', params: { key: '#' } }, target: next, actions: ['callbackUseDigits'] },
          { guard: { type: 'digitsFull', params: { max: MAX_NUMBER_DIGITS } }, target: `#${id}.denied` },
          // Not `reenter`: that would re-enter `enter`, whose entry clears the digits; `wait` is re-entered anyway (its timer restarts).
          { target: `#${id}.enter.wait`, actions: [{ type: 'collectDigit', params: { terminator: null } }] },
        ],
      },
    },
    denied: replays(promptState(ctx, stepId, 'callback-number-denied', error, { bargeIn: false }), `#${id}.denied`),
  };
  (states.enter!.on as Record<string, unknown>)['session.resumed'] = { target: `#${id}.enter`, reenter: true };
  if (step.confirmNumber === false) {
    delete states.confirm;
    delete states.enter;
  }
  if (step.action === 'keep-place') {
    const request = { type: 'callbackRequest', params: { step: id, op: 'keep-place', queue } };
    states.apply = {
      entry: [request],
      // The answer was lost with the node: ask again (the host finds the callback it made for this call).
      on: { 'callback.result': [{ guard: 'callbackOk', target: `#${id}.kept`, actions: ['callbackStoreResult'] }, ...failed], 'session.resumed': { actions: [request] } },
    };
    states.kept = replays(promptState(ctx, stepId, 'callback-place-kept', done, { bargeIn: false }), `#${id}.kept`);
  } else {
    const keys = Array.from({ length: SLOT_COUNT }, (_, i) => ({
      guard: { type: 'callbackSlotKey', params: { key: String(i + 1), index: i } },
      target: `#${id}.booking`,
      actions: [{ type: 'callbackRequest', params: { step: id, op: 'book', queue, slotIndex: i } }],
    }));
    const slotsRequest = { type: 'callbackRequest', params: { step: id, op: 'slots', queue } };
    states.slots = {
      entry: [slotsRequest],
      on: {
        'session.resumed': { actions: [slotsRequest] },
        'callback.result': [
          { guard: { type: 'callbackOkWith', params: { has: 'slots' } }, target: `#${id}.offer`, actions: ['callbackStoreResult'] },
          { guard: 'callbackOk', target: `#${id}.noSlots`, actions: ['clearPending'] },
          ...failed,
        ],
      },
    };
    states.offer = {
      initial: 'prompt',
      states: {
        prompt: {
          entry: [{ type: 'callbackPlay', params: { step: id, what: 'slots', bargeIn: true } }],
          exit: ['stopPlay'],
          on: { 'prompt.done': { guard: 'isCurrentPlayback', target: `#${id}.offer.wait`, actions: ['clearPlaying'] } },
        },
        wait: waitState(`${timerId}:slot`, error),
      },
      on: { 'call.dtmf': keys, 'session.resumed': { target: `#${id}.offer`, reenter: true } },
    };
    // The request is sent by the key's transition (it knows which slot).
    states.booking = {
      on: {
        // Resumed: book the slot chosen before the node went away again (booking is idempotent per call).
        'session.resumed': { actions: [{ type: 'callbackRequest', params: { step: id, op: 'book', queue, chosen: true } }] },
        'callback.result': [
          { guard: 'callbackOk', target: `#${id}.booked`, actions: ['callbackStoreResult'] },
          { guard: { type: 'callbackFailedWith', params: { code: 'HOTLINE_ERR_SLOT_FULL' } }, target: `#${id}.noSlots`, actions: ['clearPending'] },
          ...failed,
        ],
      },
    };
    states.booked = {
      entry: [{ type: 'callbackPlay', params: { step: id, what: 'booked', bargeIn: false } }],
      exit: ['stopPlay'],
      on: { 'prompt.done': { guard: 'isCurrentPlayback', target: done, actions: ['clearPlaying'] }, 'session.resumed': { target: `#${id}.booked`, reenter: true } },
    };
    states.noSlots = replays(promptState(ctx, stepId, 'callback-no-slots', full, { bargeIn: false }), `#${id}.noSlots`);
  }
  return {
    ...base,
    // `confirmNumber: false`: a callback's own call, where the caller ID is our line and the callback has its number.
    initial: step.confirmNumber === false ? next.slice(`#${id}.`.length) : 'confirm',
    // Abandon before clearing: it reads whether the place already became a callback.
    exit: ['stopPlay', 'clearPending', ...(step.action === 'keep-place' ? [{ type: 'callbackAbandon', params: { queue } }] : []), 'callbackClear'],
    // Still in line while choosing: an agent who answers meanwhile gets the caller. Back in the
    // queue step (the `error` target), which takes the same answer and connects them.
    ...(step.action === 'keep-place' ? { on: { 'queue.answered': { target: error, actions: ['raiseAgain'] } } } : {}),
    states,
  };
};

function pendingStates(stepId: string, step: CallbackStep, ctx: StepCompileContext): StateConfig {
  const id = ctx.id(stepId);
  const none = ctx.target(stepId, step, 'none');
  const kept = ctx.target(stepId, step, 'kept');
  const cancelled = ctx.target(stepId, step, 'cancelled');
  const lookup = { type: 'callbackRequest', params: { step: id, op: 'pending', queue: step.queue ?? '' } };
  const cancel = { type: 'callbackRequest', params: { step: id, op: 'cancel', queue: step.queue ?? '' } };
  return {
    initial: 'lookup',
    states: {
      lookup: {
        entry: [lookup],
        on: {
          'session.resumed': { actions: [lookup] },
          'callback.result': [
            { guard: { type: 'callbackOkWith', params: { has: 'callbackId' } }, target: `#${id}.ask`, actions: ['callbackStoreResult'] },
            // No callback, or the lookup failed: nothing to keep or cancel.
            { guard: 'isPendingCallback', target: none, actions: ['clearPending'] },
          ],
        },
      },
      ask: keyMenu(ctx, stepId, 'ask', 'callback-pending', `${id}:key:pending`, `#${id}.keep`, [
        { guard: { type: 'digitIs', params: { key: '1' } }, target: `#${id}.keep` },
        { guard: { type: 'digitIs', params: { key: '2' } }, target: `#${id}.cancelling` },
      ]),
      keep: replays(promptState(ctx, stepId, 'callback-kept', kept, { bargeIn: false }), `#${id}.keep`),
      cancelling: {
        entry: [cancel],
        on: { 'callback.result': { guard: 'isPendingCallback', target: `#${id}.cancelled`, actions: ['clearPending'] }, 'session.resumed': { actions: [cancel] } },
      },
      cancelled: replays(promptState(ctx, stepId, 'callback-cancelled', cancelled, { bargeIn: false }), `#${id}.cancelled`),
    },
  };
}

/** A prompt with barge-in, then a wait for a key; `dtmf` transitions are live throughout. `key`: the state's key in the step. */
function keyMenu(ctx: StepCompileContext, stepId: string, key: string, prompt: Parameters<typeof promptState>[2], timerId: string, onTimeout: string, dtmf: unknown[]): StateConfig {
  const id = ctx.id(stepId);
  return {
    initial: 'prompt',
    states: {
      prompt: promptState(ctx, stepId, prompt, `#${id}.${key}.wait`, { bargeIn: true }),
      wait: waitState(timerId, onTimeout),
    },
    // A resumed call asks again: the caller may have pressed a key nobody heard.
    on: { 'call.dtmf': dtmf, 'session.resumed': { target: `#${id}.${key}`, reenter: true } },
  };
}

/** A prompt state that plays again when the call is resumed (its end was never seen). */
function replays(state: StateConfig, self: string): StateConfig {
  return { ...state, on: { ...(state.on as Record<string, unknown> | undefined), 'session.resumed': { target: self, reenter: true } } };
}

function waitState(timerId: string, onTimeout: string): StateConfig {
  return {
    tags: ['input'],
    entry: [{ type: 'startTimer', params: { id: timerId, ms: KEY_WAIT_MS } }],
    exit: [{ type: 'cancelTimer', params: { id: timerId } }],
    on: { 'timer.fired': { guard: { type: 'isTimer', params: { id: timerId } }, target: onTimeout } },
  };
}
