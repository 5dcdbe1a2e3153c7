/**
 * The `callback` step and the queue step's keep-place offer, on the simulated PBX with a
 * scripted callback service and a scripted ACD (issue 5: automatic callbacks). Time is the
 * sim leg's manual clock; nothing sleeps.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { settle } from '../../src/adapters/clock/manual-clock.ts';
import { MemorySoundLibrary } from '../../src/adapters/memory/memory-sound-library.ts';
import type { SimLeg } from '../../src/adapters/sim/sim-leg.ts';
import type { QueueHost } from '../../src/core/acd/queue-host.ts';
import type { CallbackHost, CallbackHostRequest } from '../../src/core/callback/callback-host.ts';
import type { CallbackResultData } from '../../src/core/call/events.ts';
import { hotlineError, type HotlineErrorCode } from '../../src/core/errors.ts';
import type { FlowDocument } from '../../src/core/flow/types.ts';
import { createRig } from '../support/call-rig.ts';

const CALLER = '+15555550100';
const SLOTS = [
  { key: 'support:1', label: 'within the hour' },
  { key: 'support:2', label: 'this afternoon' },
  { key: 'support:3', label: 'tomorrow morning' },
];

const sounds = new MemorySoundLibrary(
  Object.fromEntries(
    [
      'welcome', 'goodbye', 'hold', 'full', 'failed', 'fresh', 'went-home',
      'callback-keep-place', 'callback-number-is', 'callback-confirm-number', 'callback-enter-number', 'callback-number-denied',
      'callback-place-kept', 'callback-slots-intro', 'callback-booked', 'callback-no-slots', 'callback-pending', 'callback-kept',
      'callback-cancelled', 'queue-position-intro', 'queue-wait-intro', 'minutes',
    ].map((n) => [n, 1000]),
  ),
);

const flows: FlowDocument[] = [
  {
    id: 'wait',
    numbers: ['100'],
    start: 'line',
    steps: {
      line: {
        type: 'queue',
        queue: 'billing',
        statusEvery: '10s',
        keys: { '9': 'bye' },
        callback: { after: '30s', key: '1', goto: 'keep' },
        on: { done: 'bye', timeout: 'bye' },
      },
      keep: { type: 'callback', action: 'keep-place', on: { done: 'bye', error: 'line' } },
      bye: { type: 'hangup', prompt: 'goodbye' },
    },
  },
  {
    id: 'keep-only',
    numbers: ['101'],
    start: 'keep',
    steps: {
      keep: { type: 'callback', action: 'keep-place', on: { done: 'bye', error: 'failed' } },
      failed: { type: 'hangup', prompt: 'failed' },
      bye: { type: 'hangup', prompt: 'goodbye' },
    },
  },
  {
    id: 'book',
    numbers: ['102'],
    start: 'book',
    steps: {
      book: { type: 'callback', action: 'book', queue: 'support', on: { done: 'bye', full: 'full', error: 'failed' } },
      full: { type: 'hangup', prompt: 'full' },
      failed: { type: 'hangup', prompt: 'failed' },
      bye: { type: 'hangup', prompt: 'goodbye' },
    },
  },
  {
    id: 'pending',
    numbers: ['103'],
    start: 'pending',
    steps: {
      pending: { type: 'callback', action: 'pending', on: { none: 'fresh', kept: 'went-home', cancelled: 'fresh' } },
      fresh: { type: 'hangup', prompt: 'fresh' },
      'went-home': { type: 'hangup', prompt: 'went-home' },
    },
  },
];

/** The callback service as a script: answers by op, records every request. */
class ScriptedHost implements CallbackHost {
  readonly requests: CallbackHostRequest[] = [];
  constructor(private readonly answer: (r: CallbackHostRequest) => CallbackResultData | HotlineErrorCode | 'never') {}
  request(r: CallbackHostRequest): Promise<CallbackResultData> {
    this.requests.push(r);
    const a = this.answer(r);
    if (a === 'never') return new Promise(() => {});
    return typeof a === 'string' ? Promise.reject(hotlineError(a, `scripted ${a}`)) : Promise.resolve(a);
  }
  ops(): string[] {
    return this.requests.map((r) => r.op);
  }
}

/** The ACD as a script: always in line at `position`, recording joins and leaves. */
class Line implements QueueHost {
  readonly joins: string[] = [];
  readonly leaves: string[] = [];
  position = 3;
  async join(r: { callId: string }): Promise<void> {
    this.joins.push(r.callId);
  }
  async leave(_callId: string, reason: string): Promise<void> {
    this.leaves.push(reason);
  }
  async status() {
    return { position: this.position, ewtMinutes: this.position, everyMs: 600_000, sayPosition: true, sayWait: false };
  }
  async connect(): Promise<void> {}
}

async function setup(answer: ConstructorParameters<typeof ScriptedHost>[0]) {
  const host = new ScriptedHost(answer);
  const line = new Line();
  const rig = await createRig(flows, {
    sounds,
    onCalls: (calls) => {
      calls.useQueues(line);
      calls.useCallbacks(host);
    },
  });
  return { rig, host, line };
}

type Rig = Awaited<ReturnType<typeof setup>>['rig'];

/** Plays prompts to their end until the flow waits for a key (bounded by `limitMs` of call time). */
async function toKey(rig: Rig, leg: SimLeg, limitMs = 60_000): Promise<void> {
  await rig.toInput(leg, limitMs);
}

/** Lets `ms` of call time pass, and the ACD's answers arrive. */
async function waitFor(_rig: Rig, leg: SimLeg, ms: number): Promise<void> {
  await leg.advance(ms);
  for (let i = 0; i < 20; i++) await settle();
}

function stateOf(rig: Rig, leg: SimLeg): string {
  return JSON.stringify(rig.calls.session(leg.id)?.stateValue());
}

describe('callback step: keep-place', () => {
  it('1 confirms the caller ID: the host keeps the place for that number, callback-place-kept plays, done', async () => {
    const { rig, host, line } = await setup(() => ({ callbackId: 'cb-1' }));
    const leg = await rig.call('101', { from: CALLER });
    await toKey(rig, leg);
    assert.deepEqual(rig.sounds(leg.id), ['callback-number-is', `digits:${CALLER.slice(1)}`, 'callback-confirm-number']);
    await leg.pressDigits('1');
    await rig.toEnd(leg);
    assert.deepEqual(host.requests.map((r) => [r.op, r.number, r.callId]), [['keep-place', CALLER, leg.id]]);
    assert.deepEqual(rig.sounds(leg.id).slice(3), ['callback-place-kept', 'goodbye']);
    assert.deepEqual(rig.steps(leg.id), ['keep', 'bye']);
    assert.deepEqual(line.leaves, [], 'a kept place is not left');
  });

  it('2 keys another number ended by #: that number is the one requested', async () => {
    const { rig, host } = await setup(() => ({ callbackId: 'cb-1' }));
    const leg = await rig.call('101', { from: CALLER });
    await toKey(rig, leg);
    await leg.pressDigits('2');
    await toKey(rig, leg);
    assert.equal(rig.sounds(leg.id).at(-1), 'callback-enter-number');
    await leg.pressDigits('6175550123#');
    await rig.toEnd(leg);
    assert.deepEqual(host.requests.map((r) => [r.op, r.number]), [['keep-place', '6175550123']]);
    assert.deepEqual(rig.steps(leg.id), ['keep', 'bye']);
  });

  it('a number the host refuses plays callback-number-denied and ends in error', async () => {
    const { rig, host } = await setup(() => 'HOTLINE_ERR_NUMBER_DENIED');
    const leg = await rig.call('101', { from: CALLER });
    await toKey(rig, leg);
    await leg.pressDigits('2');
    await toKey(rig, leg);
    await leg.pressDigits('19005550123#');
    await rig.toEnd(leg);
    assert.deepEqual(host.requests.map((r) => r.number), ['19005550123']);
    assert.deepEqual(rig.sounds(leg.id).slice(-2), ['callback-number-denied', 'failed']);
    assert.deepEqual(rig.steps(leg.id), ['keep', 'failed']);
  });

  it('no key after the confirmation prompt ends in error without asking the host', async () => {
    const { rig, host } = await setup(() => ({ callbackId: 'cb-1' }));
    const leg = await rig.call('101', { from: CALLER });
    await toKey(rig, leg);
    await leg.advance(7_999);
    assert.equal(rig.calls.session(leg.id)?.currentStep(), 'keep', 'still waiting just before the timeout');
    await rig.toEnd(leg);
    assert.deepEqual(host.requests, []);
    assert.deepEqual(rig.steps(leg.id), ['keep', 'failed']);
  });

  it('no digit for 10 s while keying a number is a refused number', async () => {
    const { rig, host } = await setup(() => ({ callbackId: 'cb-1' }));
    const leg = await rig.call('101', { from: CALLER });
    await toKey(rig, leg);
    await leg.pressDigits('2');
    await toKey(rig, leg);
    await leg.pressDigits('617');
    await rig.toEnd(leg);
    assert.deepEqual(host.requests, []);
    assert.deepEqual(rig.sounds(leg.id).slice(-2), ['callback-number-denied', 'failed']);
  });
});

describe('callback step: book', () => {
  const bookingHost = (book: (r: CallbackHostRequest) => CallbackResultData | HotlineErrorCode) => (r: CallbackHostRequest) =>
    r.op === 'slots' ? { slots: SLOTS } : book(r);

  it('offers the three slots; 2 books the second slot and says when', async () => {
    const { rig, host } = await setup(bookingHost(() => ({ callbackId: 'cb-7' })));
    const leg = await rig.call('102', { from: CALLER });
    await toKey(rig, leg);
    await leg.pressDigits('1');
    await toKey(rig, leg);
    assert.deepEqual(rig.sounds(leg.id).slice(3), [
      'callback-slots-intro',
      'text:For within the hour, press 1.',
      'text:For this afternoon, press 2.',
      'text:For tomorrow morning, press 3.',
    ]);
    await leg.pressDigits('2');
    await rig.toEnd(leg);
    assert.deepEqual(host.requests.map((r) => [r.op, r.queue, r.number, r.slotKey]), [
      ['slots', 'support', CALLER, undefined],
      ['book', 'support', CALLER, 'support:2'],
    ]);
    assert.deepEqual(rig.sounds(leg.id).slice(-3), ['callback-booked', 'text:this afternoon.', 'goodbye']);
    assert.deepEqual(rig.steps(leg.id), ['book', 'bye']);
  });

  it('a key past the slots offered does nothing', async () => {
    const { rig, host } = await setup((r) => (r.op === 'slots' ? { slots: SLOTS.slice(0, 1) } : { callbackId: 'cb-7' }));
    const leg = await rig.call('102', { from: CALLER });
    await toKey(rig, leg);
    await leg.pressDigits('1');
    await toKey(rig, leg);
    await leg.pressDigits('2');
    assert.deepEqual(host.ops(), ['slots']);
    await leg.pressDigits('1');
    await rig.toEnd(leg);
    assert.deepEqual(host.requests.map((r) => r.slotKey ?? null), [null, 'support:1']);
  });

  it('a slot that filled up meanwhile plays callback-no-slots and ends in full', async () => {
    const { rig } = await setup(bookingHost(() => 'HOTLINE_ERR_SLOT_FULL'));
    const leg = await rig.call('102', { from: CALLER });
    await toKey(rig, leg);
    await leg.pressDigits('1');
    await toKey(rig, leg);
    await leg.pressDigits('3');
    await rig.toEnd(leg);
    assert.deepEqual(rig.sounds(leg.id).slice(-2), ['callback-no-slots', 'full']);
    assert.deepEqual(rig.steps(leg.id), ['book', 'full']);
  });

  it('no slots at all plays callback-no-slots and ends in full without booking', async () => {
    const { rig, host } = await setup(() => ({ slots: [] }));
    const leg = await rig.call('102', { from: CALLER });
    await toKey(rig, leg);
    await leg.pressDigits('1');
    await rig.toEnd(leg);
    assert.deepEqual(host.ops(), ['slots']);
    assert.deepEqual(rig.sounds(leg.id).slice(-2), ['callback-no-slots', 'full']);
  });

  it('another failure ends in error (a node without callbacks, a store down)', async () => {
    const { rig } = await setup(() => 'HOTLINE_ERR_STORE');
    const leg = await rig.call('102', { from: CALLER });
    await toKey(rig, leg);
    await leg.pressDigits('1');
    await rig.toEnd(leg);
    assert.deepEqual(rig.steps(leg.id), ['book', 'failed']);
  });
});

describe('callback step: pending', () => {
  const pendingHost = (found: boolean) => (r: CallbackHostRequest) => (r.op === 'pending' ? (found ? { callbackId: 'cb-9' } : {}) : { callbackId: r.callbackId! });

  it('no pending callback: none at once, nothing said', async () => {
    const { rig, host } = await setup(pendingHost(false));
    const leg = await rig.call('103', { from: CALLER });
    await rig.toEnd(leg);
    assert.deepEqual(host.requests.map((r) => [r.op, r.number]), [['pending', CALLER]]);
    assert.deepEqual(rig.sounds(leg.id), ['fresh']);
  });

  it('a failed lookup is none too', async () => {
    const { rig } = await setup(() => 'HOTLINE_ERR_STORE');
    const leg = await rig.call('103', { from: CALLER });
    await rig.toEnd(leg);
    assert.deepEqual(rig.steps(leg.id), ['pending', 'fresh']);
  });

  it('found: 1 keeps it (kept)', async () => {
    const { rig, host } = await setup(pendingHost(true));
    const leg = await rig.call('103', { from: CALLER });
    await toKey(rig, leg);
    assert.deepEqual(rig.sounds(leg.id), ['callback-pending']);
    await leg.pressDigits('1');
    await rig.toEnd(leg);
    assert.deepEqual(host.ops(), ['pending']);
    assert.deepEqual(rig.sounds(leg.id), ['callback-pending', 'callback-kept', 'went-home']);
  });

  it('found: 2 cancels that callback by id (cancelled)', async () => {
    const { rig, host } = await setup(pendingHost(true));
    const leg = await rig.call('103', { from: CALLER });
    await toKey(rig, leg);
    await leg.pressDigits('2');
    await rig.toEnd(leg);
    assert.deepEqual(host.requests.map((r) => [r.op, r.callbackId ?? null]), [['pending', null], ['cancel', 'cb-9']]);
    assert.deepEqual(rig.sounds(leg.id), ['callback-pending', 'callback-cancelled', 'fresh']);
  });

  it('found and no key: the callback is kept', async () => {
    const { rig, host } = await setup(pendingHost(true));
    const leg = await rig.call('103', { from: CALLER });
    await rig.toEnd(leg);
    assert.deepEqual(host.ops(), ['pending']);
    assert.deepEqual(rig.steps(leg.id), ['pending', 'went-home']);
  });
});

describe('queue step: the keep-place offer', () => {
  const offerPlayed = (rig: Rig, leg: SimLeg) =>
    rig.events.filter((e) => e.type === 'prompt.played' && e.callId === leg.id && e.media.some((m) => (m as { name?: string }).name === 'callback-keep-place')).length;

  it('is not said before 30 s, then with the first announcement after and with later ones; 1 before it does nothing', async () => {
    const { rig, host, line } = await setup(() => ({ callbackId: 'cb-1' }));
    const leg = await rig.call('100', { from: CALLER });
    await waitFor(rig, leg, 10_000);
    assert.deepEqual(rig.sounds(leg.id).slice(0, 2), ['queue-position-intro', 'number:3'], 'first announcement, no offer');
    await leg.pressDigits('1');
    await waitFor(rig, leg, 19_000);
    assert.equal(rig.calls.session(leg.id)?.currentStep(), 'line', '1 before the offer leaves nothing');
    assert.equal(offerPlayed(rig, leg), 0, 'nothing offered in the first 29 s');

    await waitFor(rig, leg, 16_000); // by 45 s: the next status check after 30 s in line says it, with the position
    assert.equal(offerPlayed(rig, leg), 1);
    assert.deepEqual(rig.sounds(leg.id).slice(-3), ['queue-position-intro', 'number:3', 'callback-keep-place']);

    line.position = 2; // something new to say: the next announcement offers again
    await waitFor(rig, leg, 12_000);
    assert.equal(offerPlayed(rig, leg), 2);
    assert.deepEqual(rig.sounds(leg.id).slice(-3), ['queue-position-intro', 'number:2', 'callback-keep-place']);
    assert.deepEqual(host.requests, []);
    assert.deepEqual(line.leaves, []);
  });

  it('1 after the offer goes to the keep-place step without leaving the ACD; kept → done', async () => {
    const { rig, host, line } = await setup(() => ({ callbackId: 'cb-1' }));
    const leg = await rig.call('100', { from: CALLER });
    await waitFor(rig, leg, 45_000);
    assert.equal(offerPlayed(rig, leg), 1);
    await leg.pressDigits('1');
    await rig.until(() => rig.calls.session(leg.id)?.currentStep() === 'keep');
    assert.deepEqual(line.leaves, [], 'the place stays in the ACD while the caller confirms');
    await toKey(rig, leg);
    await leg.pressDigits('1');
    await rig.toEnd(leg);
    assert.deepEqual(host.requests.map((r) => r.op), ['keep-place']);
    assert.deepEqual(rig.steps(leg.id), ['line', 'keep', 'bye']);
    assert.deepEqual(line.leaves, [], 'the kept place is the callback now: nobody takes it out');
    assert.equal(line.joins.length, 1);
  });

  it('9 (a key of `keys`) still leaves the line as before', async () => {
    const { rig, line } = await setup(() => ({ callbackId: 'cb-1' }));
    const leg = await rig.call('100', { from: CALLER });
    await waitFor(rig, leg, 45_000);
    await leg.pressDigits('9');
    await rig.toEnd(leg);
    assert.deepEqual(line.leaves, ['left']);
  });

  it('hanging up in the keep-place step before the place was kept leaves the ACD as abandoned', async () => {
    const { rig, host, line } = await setup(() => ({ callbackId: 'cb-1' }));
    const leg = await rig.call('100', { from: CALLER });
    await waitFor(rig, leg, 45_000);
    await leg.pressDigits('1');
    await toKey(rig, leg);
    await leg.remoteHangup();
    await rig.toEnd(leg);
    assert.deepEqual(host.requests, []);
    assert.deepEqual(line.leaves, ['abandoned']);
  });

  it('hanging up while the kept place is being confirmed (callback-place-kept) does not abandon it', async () => {
    const { rig, line } = await setup(() => ({ callbackId: 'cb-1' }));
    const leg = await rig.call('100', { from: CALLER });
    await waitFor(rig, leg, 45_000);
    await leg.pressDigits('1');
    await toKey(rig, leg);
    await leg.pressDigits('1');
    await rig.until(() => rig.sounds(leg.id).at(-1) === 'callback-place-kept');
    await leg.remoteHangup();
    await rig.toEnd(leg);
    assert.deepEqual(line.leaves, []);
  });

  it('error (the host refuses) goes back to the queue step, which joins again at the same place', async () => {
    const { rig, line } = await setup(() => 'HOTLINE_ERR_ILLEGAL_STATE');
    const leg = await rig.call('100', { from: CALLER });
    await waitFor(rig, leg, 45_000);
    await leg.pressDigits('1');
    await toKey(rig, leg);
    await leg.pressDigits('1');
    await rig.until(() => rig.steps(leg.id).length === 3);
    assert.deepEqual(rig.steps(leg.id), ['line', 'keep', 'line']);
    assert.deepEqual(line.joins, [leg.id, leg.id], 'a second join of the same call (the ACD keeps its place)');
    assert.deepEqual(line.leaves, [], 'never left in between');
    assert.match(stateOf(rig, leg), /waiting/);
  });
});

describe('queue step: an agent answers while the caller chooses a callback', () => {
  it('the caller goes back to the queue step and is connected to that agent; nothing is requested', async () => {
    const { rig, host, line } = await setup(() => ({ callbackId: 'cb-1' }));
    const leg = await rig.call('100', { from: CALLER });
    await waitFor(rig, leg, 45_000);
    await leg.pressDigits('1');
    await toKey(rig, leg);
    rig.calls.session(leg.id)?.deliver({ type: 'queue.answered', queue: 'billing', agentId: 'alice' });
    await rig.until(() => rig.steps(leg.id).length === 3);
    assert.deepEqual(rig.steps(leg.id), ['line', 'keep', 'line']);
    assert.match(stateOf(rig, leg), /connected/);
    assert.deepEqual(host.requests, [], 'no callback was made');
    assert.deepEqual(line.leaves, [], 'the call never left the ACD');
  });
});

describe('queue step: whenMaxWait callback', () => {
  it('the queue\'s maximum wait with action callback goes to the keep-place step, still in line', async () => {
    const { rig, host, line } = await setup(() => ({ callbackId: 'cb-1' }));
    const leg = await rig.call('100', { from: CALLER });
    await waitFor(rig, leg, 12_000);
    rig.calls.session(leg.id)?.deliver({ type: 'queue.timeout', queue: 'billing', action: 'callback' });
    await rig.until(() => rig.calls.session(leg.id)?.currentStep() === 'keep');
    assert.deepEqual(line.leaves, [], 'the place stays while the caller confirms');
    await toKey(rig, leg);
    await leg.pressDigits('1');
    await rig.toEnd(leg);
    assert.deepEqual(host.requests.map((r) => r.op), ['keep-place']);
    assert.deepEqual(line.leaves, []);
  });

  it('action leave still ends the wait with timeout and leaves the ACD', async () => {
    const { rig, line } = await setup(() => ({ callbackId: 'cb-1' }));
    const leg = await rig.call('100', { from: CALLER });
    await waitFor(rig, leg, 12_000);
    rig.calls.session(leg.id)?.deliver({ type: 'queue.timeout', queue: 'billing', action: 'leave' });
    await rig.toEnd(leg);
    assert.deepEqual(rig.steps(leg.id), ['line', 'bye']);
    assert.deepEqual(line.leaves, ['timeout']);
  });
});

describe('callback step across a restart', () => {
  it('waiting for a key: the prompt is asked again and its timeout still runs on the restored timer', async () => {
    const { rig, host } = await setup(() => ({ callbackId: 'cb-1' }));
    const leg = await rig.call('101', { from: CALLER });
    await toKey(rig, leg);
    await leg.advance(3_000);
    await rig.restart();
    await rig.calls.accept(leg, { recovered: true });
    await toKey(rig, leg);
    assert.equal(rig.calls.session(leg.id)?.currentStep(), 'keep');
    await leg.pressDigits('1');
    await rig.toEnd(leg);
    assert.deepEqual(host.requests.map((r) => r.op), ['keep-place']);
    assert.deepEqual(rig.steps(leg.id), ['keep', 'bye']);
  });

  it('a request in flight when the node died is asked again by the node that resumes', async () => {
    let calls = 0;
    const { rig, host } = await setup((r) => (r.op === 'slots' ? (++calls === 1 ? 'never' : { slots: SLOTS }) : { callbackId: 'cb-7' }));
    const leg = await rig.call('102', { from: CALLER });
    await toKey(rig, leg);
    await leg.pressDigits('1');
    await rig.until(() => host.requests.length === 1);
    await rig.restart();
    await rig.calls.accept(leg, { recovered: true });
    await toKey(rig, leg);
    assert.deepEqual(host.ops(), ['slots', 'slots']);
    await leg.pressDigits('3');
    await rig.toEnd(leg);
    assert.deepEqual(host.requests.at(-1)?.slotKey, 'support:3');
    assert.deepEqual(rig.steps(leg.id), ['book', 'bye']);
  });

  it('a booking in flight is asked again for the same slot', async () => {
    let books = 0;
    const { rig, host } = await setup((r) => (r.op === 'slots' ? { slots: SLOTS } : ++books === 1 ? 'never' : { callbackId: 'cb-7' }));
    const leg = await rig.call('102', { from: CALLER });
    await toKey(rig, leg);
    await leg.pressDigits('1');
    await toKey(rig, leg);
    await leg.pressDigits('2');
    await rig.until(() => host.requests.length === 2);
    await rig.restart();
    await rig.calls.accept(leg, { recovered: true });
    await rig.toEnd(leg);
    assert.deepEqual(host.requests.map((r) => [r.op, r.slotKey ?? null]), [['slots', null], ['book', 'support:2'], ['book', 'support:2']]);
    assert.deepEqual(rig.steps(leg.id), ['book', 'bye']);
  });

  it('keep-place in the queue: the offer state survives a restart', async () => {
    const { rig, host, line } = await setup(() => ({ callbackId: 'cb-1' }));
    const leg = await rig.call('100', { from: CALLER });
    await waitFor(rig, leg, 45_000);
    await rig.restart();
    await rig.calls.accept(leg, { recovered: true });
    await rig.until(() => line.joins.length === 2);
    await leg.pressDigits('1');
    await rig.until(() => rig.calls.session(leg.id)?.currentStep() === 'keep');
    await toKey(rig, leg);
    await leg.pressDigits('1');
    await rig.toEnd(leg);
    assert.deepEqual(host.ops(), ['keep-place']);
    assert.deepEqual(line.leaves, []);
  });
});
