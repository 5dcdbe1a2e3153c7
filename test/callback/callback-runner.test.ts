import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { JobRunner } from '../../src/core/jobs/job-runner.ts';
import { CALLBACK_JOB_KIND } from '../../src/core/callback/callback-types.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { callbackRig, MIN } from './callback-rig.ts';

describe('CallbackService under the JobRunner', () => {
  it('runs keep-place and scheduled callbacks to their outcomes; dials counted from the log lines', async () => {
    const rig = callbackRig({ script: ['no-answer', 'connected', 'busy', 'busy', 'busy'] });
    const runner = new JobRunner({ queue: rig.jobs, clock: rig.clock, logger: silentLogger, node: 'node-a', pollMs: 1000 });
    runner.handle(CALLBACK_JOB_KIND, rig.service.attemptHandler);
    runner.start();
    try {
      const kept = await rig.service.requestKeepPlace({ callId: 'call-1', number: '2125550123', queue: 'support', priority: 0 });
      await rig.clock.advance(5 * MIN);
      await rig.service.dueNow(kept.id);
      await rig.clock.advance(15 * MIN); // attempt 1 no-answer, attempt 2 ten minutes later connected
      assert.equal((await rig.service.get(kept.id)).state, 'connected');

      const booked = await rig.service.book({ callId: 'call-2', number: '3125550199', queue: 'support', priority: 0, slotKey: 'support:2026-11-23:pm' });
      await rig.clock.advanceTo(booked.dueAt + 30 * MIN);
      assert.equal((await rig.service.get(booked.id)).state, 'no-answer');
    } finally {
      await runner.stop();
    }
    const dialing = rig.lines().filter((l) => l.msg === 'callback dialing');
    assert.deepEqual(
      dialing.map((l) => [l.callbackId, l.attempt]),
      [
        [rig.dials[0]!.id, 1],
        [rig.dials[0]!.id, 2],
        [rig.dials[2]!.id, 1],
        [rig.dials[2]!.id, 2],
        [rig.dials[2]!.id, 3],
      ],
    );
    assert.equal(dialing.length, rig.dials.length);
    assert.deepEqual(rig.lines().filter((l) => l.msg === 'callback outcome').map((l) => l.attemptOutcome), ['no-answer', 'connected', 'busy', 'busy', 'busy']);
  });
});
