import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/adapters/clock/manual-clock.ts';
import { TimerService } from '../../src/core/timers/timer-service.ts';

describe('TimerService', () => {
  it('fires named timers on the injected clock, restarts and cancels them', async () => {
    const clock = new ManualClock(1_000_000);
    const fired: string[] = [];
    const timers = new TimerService(clock, (id) => fired.push(`${id}@${clock.now()}`));
    timers.start('a', 5000);
    timers.start('b', 2000);
    timers.start('b', 3000); // restart replaces
    timers.start('c', 1000);
    timers.cancel('c');
    await clock.advance(10_000);
    assert.deepEqual(fired, ['b@1003000', 'a@1005000']);
    assert.equal(timers.has('a'), false);
  });

  it('persists absolute due times and re-arms them on another clock with the time left', async () => {
    const clock = new ManualClock(0);
    const timers = new TimerService(clock, () => {});
    timers.start('menu:timeout', 5000);
    await clock.advance(2000);
    const saved = timers.toJSON();
    assert.deepEqual(saved, [{ id: 'menu:timeout', dueAt: 5000 }]);

    const later = new ManualClock(4000);
    const fired: number[] = [];
    const resumed = new TimerService(later, () => fired.push(later.now()));
    resumed.restore(saved);
    await later.advance(999);
    assert.deepEqual(fired, []);
    await later.advance(1);
    assert.deepEqual(fired, [5000]);
  });

  it('fires an overdue timer at once after restore', async () => {
    const clock = new ManualClock(10_000);
    let fired = 0;
    new TimerService(clock, () => fired++).restore([{ id: 'x', dueAt: 5000 }]);
    await clock.advance(0);
    assert.equal(fired, 1);
  });
});
