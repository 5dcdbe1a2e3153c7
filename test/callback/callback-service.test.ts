import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isHotlineError, type HotlineErrorCode } from '../../src/core/errors.ts';
import { callbackJobId } from '../../src/core/callback/callback-types.ts';
import type { DialOutcome } from '../../src/core/callback/callback-types.ts';
import { callbackRig, HOUR, MIN, MON_0900 } from './callback-rig.ts';

const NUMBER = '(212) 555-0123';
const iso = (ms: number) => new Date(ms).toISOString();

function rejectsWith(code: HotlineErrorCode, reason?: string) {
  return (err: unknown) => isHotlineError(err, code) && (reason === undefined || err.details?.reason === reason);
}

describe('CallbackService: keep-place', () => {
  it('queues, waits for its turn, then dials once when due and ends connected', async () => {
    const rig = callbackRig({ script: ['connected'] });
    const cb = await rig.service.requestKeepPlace({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 2, enqueuedAt: MON_0900 - 5 * MIN });
    assert.equal(cb.state, 'queued');
    assert.equal(cb.number, '+12125550123');
    assert.equal(cb.enqueuedAt, MON_0900 - 5 * MIN);
    assert.equal((await rig.jobs.get(callbackJobId(cb.id)))?.dueAt, cb.expiresAt, 'the job watches expiry meanwhile');
    await rig.clock.advance(20 * MIN);
    assert.equal(await rig.deliver(), 0);
    assert.equal(rig.dials.length, 0);

    const due = await rig.service.dueNow(cb.id);
    assert.equal(due.state, 'scheduled');
    assert.equal(due.dueAt, MON_0900 + 20 * MIN);
    await rig.service.dueNow(cb.id); // a second signal changes nothing
    const done = await rig.drain(cb.id);

    assert.deepEqual(rig.dials, [{ id: cb.id, n: 1, at: MON_0900 + 20 * MIN }]);
    assert.equal(done.state, 'connected');
    assert.equal(done.outcome, 'connected');
    assert.deepEqual(done.attempts, [{ n: 1, at: MON_0900 + 20 * MIN, endedAt: MON_0900 + 20 * MIN, outcome: 'connected' }]);
    assert.equal(await rig.jobs.get(callbackJobId(cb.id)), undefined);
    const dialing = rig.lines().filter((l) => l.msg === 'callback dialing');
    assert.deepEqual(dialing.map((l) => [l.callbackId, l.attempt]), [[cb.id, 1]]);
    assert.ok(!JSON.stringify(rig.lines()).includes('2125550123'), 'logs carry the last 4 digits only');
    assert.deepEqual(rig.lines().filter((l) => l.msg === 'callback outcome').map((l) => l.outcome), ['connected']);
  });

  it('is idempotent per call, and a call cannot also book a slot', async () => {
    const rig = callbackRig();
    const a = await rig.service.requestKeepPlace({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0 });
    const b = await rig.service.requestKeepPlace({ callId: 'call-1', number: '2125550123', queue: 'support', priority: 0 });
    assert.deepEqual(b, a);
    assert.equal((await rig.service.list()).length, 1);
    const [slot] = await rig.service.offerSlots('support', 1);
    await assert.rejects(rig.service.book({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0, slotKey: slot!.key }), rejectsWith('HOTLINE_ERR_CONFLICT'));
    assert.deepEqual((await rig.service.pendingFor('+1 212 555 0123')).map((r) => r.id), [a.id]);
    assert.deepEqual(await rig.service.pendingFor('not a number'), []);
  });

  it('expires when its turn never comes', async () => {
    const rig = callbackRig({ policy: { expireAfterMs: 2 * HOUR } });
    const cb = await rig.service.requestKeepPlace({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0 });
    const done = await rig.drain(cb.id);
    assert.equal(done.state, 'expired');
    assert.equal(done.outcome, 'expired');
    assert.equal(rig.clock.now(), MON_0900 + 2 * HOUR);
    assert.equal(rig.dials.length, 0);
  });

  it('a turn that comes while closed waits for opening', async () => {
    const rig = callbackRig({ start: Date.parse('2026-11-23T23:30:00Z') }); // Monday 18:30 EST
    const cb = await rig.service.requestKeepPlace({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0 });
    const due = await rig.service.dueNow(cb.id);
    assert.equal(iso(due.dueAt), '2026-11-24T13:00:00.000Z');
    await rig.drain(cb.id);
    assert.equal(iso(rig.dials[0]!.at), '2026-11-24T13:00:00.000Z');
  });

  it('refuses a number the policy denies, without echoing it', async () => {
    const rig = callbackRig();
    for (const bad of ['+19005550123', '+442071234567', '12345']) {
      await assert.rejects(rig.service.requestKeepPlace({ callId: `c-${bad}`, number: bad, queue: 'support', priority: 0 }), (err: unknown) => {
        assert.ok(isHotlineError(err, 'HOTLINE_ERR_NUMBER_DENIED'));
        assert.ok(!err.message.includes(bad.replace('+', '')) || bad.length <= 5, err.message);
        return true;
      });
    }
    assert.equal((await rig.service.list()).length, 0);
  });
});

describe('CallbackService: scheduled slots', () => {
  it('offers slots and dials at the booked slot start', async () => {
    const rig = callbackRig({ script: ['connected'] });
    const slots = await rig.service.offerSlots('support', 3);
    assert.deepEqual(slots.map((s) => s.label), ['within the hour', 'this morning', 'this afternoon']);
    const afternoon = slots[2]!;
    const cb = await rig.service.book({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0, slotKey: afternoon.key });
    assert.equal(cb.state, 'scheduled');
    assert.deepEqual(cb.slot, afternoon);
    assert.equal(iso(cb.dueAt), '2026-11-23T17:00:00.000Z');
    assert.equal(cb.expiresAt, cb.dueAt + 24 * HOUR);
    assert.deepEqual(await rig.store.slotsTaken('support', [afternoon.key]), [1]);
    const done = await rig.drain(cb.id);
    assert.deepEqual(rig.dials.map((d) => iso(d.at)), ['2026-11-23T17:00:00.000Z']);
    assert.equal(done.state, 'connected');
  });

  it('a slot takes `capacity` bookings; a full slot is refused and no longer offered until a cancel', async () => {
    const rig = callbackRig({ policy: { capacity: 2 } });
    const key = 'support:2026-11-24:am';
    const book = (i: number) => rig.service.book({ callId: `call-${i}`, number: `212555010${i}`, queue: 'support', priority: 0, slotKey: key });
    const first = await book(1);
    await book(2);
    await assert.rejects(book(3), rejectsWith('HOTLINE_ERR_SLOT_FULL'));
    assert.ok(!(await rig.service.offerSlots('support', 6)).some((s) => s.key === key));
    await rig.service.cancel(first.id);
    assert.ok((await rig.service.offerSlots('support', 6)).some((s) => s.key === key));
    assert.equal((await book(3)).slot?.key, key);
    await assert.rejects(
      rig.service.book({ callId: 'call-9', number: NUMBER, queue: 'support', priority: 0, slotKey: 'support:2026-11-21:am' }),
      rejectsWith('HOTLINE_ERR_BAD_REQUEST'),
      'a slot that is not offered (a Saturday) is refused',
    );
  });
});

describe('CallbackService: attempts', () => {
  it('retries at the spacing, then ends no-answer after maxAttempts', async () => {
    const rig = callbackRig({ script: ['no-answer', 'busy', 'no-answer'] });
    const cb = await rig.service.requestKeepPlace({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0 });
    await rig.service.dueNow(cb.id);
    const done = await rig.drain(cb.id);
    assert.deepEqual(rig.dials.map((d) => [d.n, d.at - MON_0900]), [[1, 0], [2, 10 * MIN], [3, 20 * MIN]]);
    assert.equal(done.state, 'no-answer');
    assert.deepEqual(done.attempts.map((a) => a.outcome), ['no-answer', 'busy', 'no-answer']);
    assert.equal(await rig.jobs.get(callbackJobId(cb.id)), undefined);
  });

  it('busy, answered without asking for an agent (a machine), then connected: three dials', async () => {
    const rig = callbackRig({ script: ['busy', 'answered', 'connected'] });
    const cb = await rig.service.requestKeepPlace({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0 });
    await rig.service.dueNow(cb.id);
    const done = await rig.drain(cb.id);
    assert.equal(rig.dials.length, 3);
    assert.equal(done.state, 'connected');
    assert.deepEqual(done.attempts.map((a) => a.outcome), ['busy', 'answered', 'connected']);
  });

  it('answered every time but never asked for an agent ends no-answer', async () => {
    const rig = callbackRig({ script: ['answered', 'answered', 'answered'] });
    const cb = await rig.service.requestKeepPlace({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0 });
    await rig.service.dueNow(cb.id);
    const done = await rig.drain(cb.id);
    assert.equal(rig.dials.length, 3);
    assert.equal(done.state, 'no-answer');
  });

  it('failed attempts end failed; a throwing dialer counts as failed; declined ends cancelled', async () => {
    const rig = callbackRig({ policy: { maxAttempts: 2 }, script: [new Error('pbx down'), 'failed'] });
    const cb = await rig.service.requestKeepPlace({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0 });
    await rig.service.dueNow(cb.id);
    assert.equal((await rig.drain(cb.id)).state, 'failed');

    const other = callbackRig({ script: ['declined'] });
    const cb2 = await other.service.requestKeepPlace({ callId: 'call-2', number: NUMBER, queue: 'support', priority: 0 });
    await other.service.dueNow(cb2.id);
    const done = await other.drain(cb2.id);
    assert.equal(done.state, 'cancelled');
    assert.equal(other.dials.length, 1);
  });

  it('a retry that falls after closing waits for opening', async () => {
    const rig = callbackRig({ start: Date.parse('2026-11-23T22:45:00Z'), policy: { retryEveryMs: 30 * MIN } }); // 17:45 EST
    const cb = await rig.service.requestKeepPlace({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0 });
    await rig.service.dueNow(cb.id);
    await rig.step(cb.id);
    const after = await rig.service.get(cb.id);
    assert.equal(after.state, 'scheduled');
    assert.equal(iso(after.dueAt), '2026-11-24T13:00:00.000Z', 'not 18:15, closed: Tuesday 08:00');
    await rig.step(cb.id);
    assert.deepEqual(rig.dials.map((d) => iso(d.at)), ['2026-11-23T22:45:00.000Z', '2026-11-24T13:00:00.000Z']);
  });

  it('a retry past the expiry ends expired', async () => {
    const rig = callbackRig({ policy: { expireAfterMs: 15 * MIN } });
    const cb = await rig.service.requestKeepPlace({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0 });
    await rig.service.dueNow(cb.id);
    const done = await rig.drain(cb.id);
    assert.equal(rig.dials.length, 2);
    assert.equal(done.state, 'expired');
  });

  it('a redelivered attempt (lease ran out mid-dial) never dials the same attempt twice', async () => {
    const rig = callbackRig();
    let answer!: (o: DialOutcome) => void;
    rig.script.push(new Promise<DialOutcome>((resolve) => (answer = resolve)));
    const cb = await rig.service.requestKeepPlace({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0 });
    await rig.service.dueNow(cb.id);

    const [first] = await rig.jobs.claim({ now: rig.clock.now(), limit: 1, leaseMs: 30_000, node: 'node-a' });
    assert.ok(first);
    const running = rig.service.attemptHandler(first, { extend: async () => true }); // node-a dials and hangs
    await rig.clock.advance(0);
    assert.equal(rig.dials.length, 1);

    await rig.clock.advance(31_000); // node-a's lease runs out: node-b gets the job again
    const [second] = await rig.jobs.claim({ now: rig.clock.now(), limit: 1, leaseMs: 30_000, node: 'node-b' });
    assert.equal(second?.deliveries, 2);
    const outcome = await rig.service.attemptHandler(second!, { extend: async () => true });
    assert.ok(await rig.jobs.complete(second!.id, second!.lease, outcome ? outcome.next : undefined));
    assert.equal(rig.dials.length, 1, 'attempt 1 is not dialled again');
    let now = await rig.service.get(cb.id);
    assert.deepEqual(now.attempts.map((a) => [a.n, a.outcome]), [[1, 'interrupted']]);
    assert.equal(now.state, 'scheduled');
    assert.equal(now.dueAt, rig.clock.now() + 10 * MIN);

    // node-a's dial ends: the customer was reached, which wins; its lease is gone
    answer('connected');
    const late = await running;
    assert.equal(await rig.jobs.complete(first.id, first.lease, late ? late.next : undefined), false);
    now = await rig.service.get(cb.id);
    assert.equal(now.state, 'connected');
    assert.deepEqual(now.attempts.map((a) => [a.n, a.outcome]), [[1, 'connected']]);
    await rig.drain(cb.id);
    assert.equal(rig.dials.length, 1, 'the pending retry finds the callback final');
  });

  it('a node that died mid-attempt: the attempt counts as interrupted, the next one dials', async () => {
    const rig = callbackRig({ script: ['connected'] });
    const cb = await rig.service.requestKeepPlace({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0 });
    await rig.service.dueNow(cb.id);
    // node-a marks attempt 1 dialled and dies (simulated: it took the once-mark and never finished)
    await rig.jobs.claim({ now: rig.clock.now(), limit: 1, leaseMs: 30_000, node: 'node-a' });
    await rig.store.update({ ...(await rig.store.get(cb.id))!, state: 'dialing', attempts: [{ n: 1, at: rig.clock.now() }] });
    assert.equal(await rig.jobs.once(`callback:${cb.id}:attempt:1`, HOUR), true);
    await rig.clock.advance(31_000);
    const done = await rig.drain(cb.id);
    assert.deepEqual(rig.dials.map((d) => d.n), [2]);
    assert.deepEqual(done.attempts.map((a) => a.outcome), ['interrupted', 'connected']);
    assert.equal(done.state, 'connected');
  });
});

describe('CallbackService: cancel and reschedule', () => {
  it('cancel before due: no dial, slot released, job gone; a second cancel is 409', async () => {
    const rig = callbackRig();
    const cb = await rig.service.book({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0, slotKey: 'support:2026-11-23:pm' });
    const cancelled = await rig.service.cancel(cb.id);
    assert.equal(cancelled.state, 'cancelled');
    assert.equal(cancelled.outcome, 'cancelled');
    assert.equal(await rig.jobs.get(callbackJobId(cb.id)), undefined);
    assert.deepEqual(await rig.store.slotsTaken('support', ['support:2026-11-23:pm']), [0]);
    await rig.clock.advance(12 * HOUR);
    await rig.deliver();
    assert.equal(rig.dials.length, 0);
    await assert.rejects(rig.service.cancel(cb.id), rejectsWith('HOTLINE_ERR_ILLEGAL_STATE'));
    await assert.rejects(rig.service.cancel('nope'), rejectsWith('HOTLINE_ERR_NO_SUCH_CALLBACK'));
  });

  it('reschedule moves the attempt (deferred to opening), leaves the slot, and validates the time', async () => {
    const rig = callbackRig({ script: ['connected'] });
    const cb = await rig.service.book({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0, slotKey: 'support:2026-11-23:pm' });
    await assert.rejects(rig.service.reschedule(cb.id, MON_0900 - MIN), rejectsWith('HOTLINE_ERR_BAD_REQUEST', 'past'));
    await assert.rejects(rig.service.reschedule(cb.id, cb.expiresAt + MIN), rejectsWith('HOTLINE_ERR_BAD_REQUEST', 'after-expiry'));
    // 20:00 EST Monday is closed: deferred to Tuesday 08:00
    const moved = await rig.service.reschedule(cb.id, Date.parse('2026-11-24T01:00:00Z'));
    assert.equal(iso(moved.dueAt), '2026-11-24T13:00:00.000Z');
    assert.equal(moved.slot, undefined);
    assert.deepEqual(await rig.store.slotsTaken('support', ['support:2026-11-23:pm']), [0]);
    assert.equal((await rig.jobs.get(callbackJobId(cb.id)))?.dueAt, moved.dueAt);
    const done = await rig.drain(cb.id);
    assert.deepEqual(rig.dials.map((d) => iso(d.at)), ['2026-11-24T13:00:00.000Z']);
    assert.equal(done.state, 'connected');
    await assert.rejects(rig.service.reschedule(cb.id, rig.clock.now() + HOUR), rejectsWith('HOTLINE_ERR_ILLEGAL_STATE'));
  });

  it('a reschedule whose opening comes only after the expiry is refused', async () => {
    const rig = callbackRig({ start: Date.parse('2026-11-25T20:00:00Z'), policy: { expireAfterMs: 20 * HOUR } }); // Wed 15:00 EST
    const cb = await rig.service.requestKeepPlace({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0 });
    // Wed 19:00 EST: closed; Thursday is a holiday, Friday 08:00 is after the expiry (Thu 11:00 EST)
    await assert.rejects(rig.service.reschedule(cb.id, Date.parse('2026-11-26T00:00:00Z')), rejectsWith('HOTLINE_ERR_BAD_REQUEST', 'closed-until-expiry'));
  });

  it('a customer rescheduling during the call: the job follows the new time', async () => {
    const rig = callbackRig();
    const cb = await rig.service.requestKeepPlace({ callId: 'call-1', number: NUMBER, queue: 'support', priority: 0 });
    await rig.service.dueNow(cb.id);
    const later = MON_0900 + 3 * HOUR;
    rig.script.push(() => rig.service.reschedule(cb.id, later).then(() => 'rescheduled' as const));
    await rig.step(cb.id);
    const now = await rig.service.get(cb.id);
    assert.equal(now.state, 'scheduled');
    assert.equal(now.dueAt, later);
    assert.deepEqual(now.attempts.map((a) => a.outcome), ['rescheduled']);
    assert.equal((await rig.jobs.get(callbackJobId(cb.id)))?.dueAt, later);
    rig.script.push('connected');
    const done = await rig.drain(cb.id);
    assert.deepEqual(rig.dials.map((d) => [d.n, d.at]), [[1, MON_0900], [2, later]]);
    assert.equal(done.state, 'connected');
  });
});
