/**
 * Issue 5's "done means" for "call me at", with Redis: a caller after hours books a callback for
 * tomorrow morning; Hotline restarts overnight (a new process on the same Redis, nothing kept in
 * memory); at 08:00 the customer is dialled once, presses 1 and talks to an agent.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MONDAY_9PM_NY, startCallbackApp } from '../support/callback-app.ts';
import { afterHoursSlots, agentAnswers, bookSlot, sampleFlows } from '../support/callback-scenes.ts';
import { useRedisServer } from '../support/redis-server.ts';

const CUSTOMER = '+12125550123';
const TUESDAY_8AM = '2026-11-24T13:00:00.000Z';

describe('a booked callback across a restart (Redis)', () => {
  const redis = useRedisServer();

  test('booked at 21:00 for tomorrow morning; restarted; dialled once at 08:00 and connected', async () => {
    const flowsDir = sampleFlows();
    const before = await startCallbackApp({ at: MONDAY_9PM_NY, flowsDir, redisUrl: redis.url });
    let id: string;
    try {
      const { callId, offered, at } = await afterHoursSlots(before, CUSTOMER);
      assert.equal(offered[0], 'tomorrow morning');
      const booked = await bookSlot(before, callId, '1', at);
      id = booked.id;
      assert.equal(booked.dueAt, TUESDAY_8AM);
      const listed = (await before.api('GET', '/callbacks?state=scheduled')).body.callbacks as any[];
      assert.deepEqual(listed.map((c) => [c.id, c.dueAt]), [[id, TUESDAY_8AM]]);
    } finally {
      await before.close();
    }

    // A new Hotline on the same Redis, started later that night.
    const after = await startCallbackApp({ at: '2026-11-23T23:30:00-05:00', flowsDir, redisUrl: redis.url });
    try {
      const view = await after.callback(id);
      assert.equal(view.state, 'scheduled');
      assert.equal(view.dueAt, TUESDAY_8AM);
      await after.login('alice', { billing: 5, support: 5 });
      await after.advance(Date.parse(TUESDAY_8AM) - after.clock.now() - 1000, 60_000);
      assert.deepEqual(await after.outbound(), [], 'nobody dialled during the night');
      const leg = await after.advanceUntil(async () => (await after.outbound()).find((o) => o.to === CUSTOMER), 'the customer dialled at 08:00', 10_000);
      assert.ok(after.clock.now() >= Date.parse(TUESDAY_8AM));
      await after.api('POST', `/sim/calls/${leg.id}/answer`);
      await after.untilHeard(leg.id, 'callback-greeting');
      await after.dtmf(leg.id, '1');
      await agentAnswers(after, 'alice');
      await after.advanceUntil(async () => (await after.callback(id)).state === 'connected', 'connected');
      const done = await after.callback(id);
      assert.deepEqual(done.attempts.map((a: any) => [a.n, a.outcome]), [[1, 'connected']], 'dialled once');
      assert.equal((await after.outbound()).filter((o) => o.to === CUSTOMER).length, 1);
      await after.api('DELETE', `/sim/calls/${leg.id}`);
    } finally {
      await after.close();
    }
  });
});
