/**
 * "Call me at" after hours on the sample line (issue 5): the closed branch offers 2 to book a
 * callback, then the next three open slots of the queue; each slot takes `slotCapacity`
 * bookings, so a full slot is not offered any more and the later ones move up; with no slot
 * left the caller hears `callback-no-slots`.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MONDAY_9PM_NY, startCallbackApp } from '../support/callback-app.ts';
import { afterHoursSlots, bookSlot, sampleFlows } from '../support/callback-scenes.ts';

/** Both queues of the sample line with `callback.slotCapacity` set to `n`. */
function capacity(n: number, extra: (text: string) => string = (t) => t): Record<string, (old: string) => string> {
  const edit = (old: string) => extra(old.replace(/slotCapacity: \d+/, `slotCapacity: ${n}`));
  return { 'queues/billing.yaml': edit, 'queues/support.yaml': edit };
}

describe('booking a callback slot after hours', () => {
  test('two bookings fill a slot of capacity 2: the third caller is offered the next slots', async () => {
    const rig = await startCallbackApp({ at: MONDAY_9PM_NY, flowsDir: sampleFlows(capacity(2)) });
    try {
      const first = await afterHoursSlots(rig, '+12125550101');
      assert.deepEqual(first.offered, ['tomorrow morning', 'tomorrow afternoon', 'Wednesday morning']);
      const booked = await bookSlot(rig, first.callId, '1', first.at);
      assert.equal(booked.state, 'scheduled');
      assert.equal(booked.mode, 'scheduled');
      assert.equal(booked.number, '+12125550101');
      assert.equal(booked.dueAt, '2026-11-24T13:00:00.000Z', 'tomorrow 08:00 New York');
      assert.equal(booked.slot.label, 'tomorrow morning');

      const second = await afterHoursSlots(rig, '+12125550102');
      assert.deepEqual(second.offered, ['tomorrow morning', 'tomorrow afternoon', 'Wednesday morning'], 'one place left in the morning');
      await bookSlot(rig, second.callId, '1', second.at);

      const third = await afterHoursSlots(rig, '+12125550103');
      assert.deepEqual(third.offered, ['tomorrow afternoon', 'Wednesday morning', 'Wednesday afternoon'], 'the full morning is not offered');
      const afternoon = await bookSlot(rig, third.callId, '1', third.at);
      assert.equal(afternoon.dueAt, '2026-11-24T17:00:00.000Z', 'tomorrow 12:00 New York');

      const listed = (await rig.api('GET', `/callbacks?state=scheduled&queue=${booked.queue}`)).body.callbacks as any[];
      assert.equal(listed.length, 3);
    } finally {
      await rig.close();
    }
  });

  test('no slot left: the caller hears callback-no-slots and no callback is booked', async () => {
    // One bookable half day in the next two weeks: Tuesday 08:00-09:00 (the next two Tuesdays are holidays).
    const sparse = (text: string) =>
      text.replace(/hours:[\s\S]*?(?=\ncallback:)/, 'hours:\n  timezone: America/New_York\n  weekly: { tue: "08:00-09:00" }\n  holidays: ["2026-12-01", "2026-12-08"]');
    const rig = await startCallbackApp({ at: MONDAY_9PM_NY, flowsDir: sampleFlows(capacity(1, sparse)) });
    try {
      const first = await afterHoursSlots(rig, '+12125550101');
      assert.deepEqual(first.offered, ['tomorrow morning']);
      await bookSlot(rig, first.callId, '1', first.at);

      const second = await afterHoursSlots(rig, '+12125550102');
      assert.deepEqual(second.offered, []);
      assert.ok((await rig.heard(second.callId)).slice(second.at).includes('callback-no-slots'));
      assert.equal((await rig.api('GET', '/callbacks')).body.callbacks.length, 1);
    } finally {
      await rig.close();
    }
  });
});
