/**
 * The sample line's agent calls on the simulated PBX, Asterisk and FreeSWITCH (protocol fakes, real drivers):
 * a caller presses 1 or 2, lands in the `billing` or `support` queue (flows/queues/), hears
 * their position and wait time, and reaches a logged-in agent chosen by skill and strategy;
 * the live figures show it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../src/adapters/clock/manual-clock.ts';
import { MemoryAcdStore } from '../../src/adapters/memory/memory-acd-store.ts';
import { MemorySessionStore } from '../../src/adapters/memory/memory-session-store.ts';
import { AcdService } from '../../src/core/acd/acd-service.ts';
import { QueueRegistry } from '../../src/core/acd/queue-registry.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { TableHttpClient } from '../support/call-rig.ts';
import { compileAll, loadShippedFlows, loadShippedSounds } from '../support/shipped-flows.ts';
import { ariFarEnd, eslFarEnd, simFarEnd, type FarEnd, type FarEndFactory } from '../support/far-end.ts';

const compiled = compileAll(loadShippedFlows());
const sounds = await loadShippedSounds();
const queues = new QueueRegistry({ dir: new URL('../../flows/queues/', import.meta.url).pathname, logger: silentLogger });
await queues.load();
const MONDAY_10AM_NEW_YORK = Date.parse('2026-11-23T15:00:00Z');

/** Agents as a telephony admin would log them in, with endpoints of the driver's kind. */
function agents(kind: 'sim' | 'ari' | 'esl'): Record<string, { endpoint: string; skills: Record<string, number> }> {
  const at = (id: string, ext: string) => (kind === 'sim' ? `sim:${id}` : kind === 'ari' ? `PJSIP/${ext}` : `sofia/internal/${ext}@127.0.0.1`);
  return {
    alice: { endpoint: at('alice', '201'), skills: { billing: 7 } },
    bob: { endpoint: at('bob', '202'), skills: { support: 4 } },
    carol: { endpoint: at('carol', '203'), skills: { support: 9, billing: 2 } },
  };
}

async function queuedCaller(factory: FarEndFactory, digit: string, before?: (acd: AcdService) => Promise<void>) {
  let acd: AcdService | undefined;
  const clock = new ManualClock(MONDAY_10AM_NEW_YORK);
  const far: FarEnd = await factory({
    flows: {
      byNumber: (n) => compiled.find((c) => c.numbers.includes(n)),
      byId: (id) => compiled.find((c) => c.id === id),
      byVersion: async (v) => compiled.find((c) => c.version === v),
    },
    store: new MemorySessionStore(),
    http: new TableHttpClient(() => ({ status: 404, body: null })),
    transferAllow: ['^\\d{3,4}$'],
    startAt: MONDAY_10AM_NEW_YORK,
    acd: (driver, calls) => {
      acd = new AcdService({ store: new MemoryAcdStore(), queues, driver, calls, clock, logger: silentLogger, node: 'test' });
      return acd;
    },
  });
  await acd!.start();
  await before?.(acd!);
  const id = await far.call('+18005550100', '+15551230000');
  await far.finishPlayback(); // welcome and recording notice
  await far.finishPlayback(); // main menu
  await far.pressDigits(digit);
  await far.finishPlayback(); // "transferring you…, please hold, press 9 to leave a message"
  return { far, acd: acd!, id };
}

function sampleQueue(name: string, kind: 'sim' | 'ari' | 'esl', factory: FarEndFactory): void {
  describe(`sample line agents on ${name}`, () => {
    it('1 → billing: position and wait are announced, the billing agent answers and is bridged, figures count it', async () => {
      const { far, acd, id } = await queuedCaller(factory, '1');
      try {
        assert.equal(far.session()?.currentStep(), 'billing');
        const q = await acd.getQueue('billing');
        assert.deepEqual([q.waiting, q.callers[0]?.callId], [1, id]);

        await far.advance(10_000); // the first status check
        const view = await far.calls.getCall(id);
        const announced = view?.prompts.at(-1)?.media;
        assert.deepEqual(announced?.slice(0, 2), [{ kind: 'sound', name: 'queue-position-intro' }, { kind: 'number', value: 1 }]);
        assert.deepEqual(announced?.[2], { kind: 'sound', name: 'queue-wait-intro' });

        const staff = agents(kind);
        for (const [agentId, a] of Object.entries(staff)) await acd.login(agentId, a);
        await far.quiet();
        // Only alice has billing ≥ 3.
        assert.equal((await acd.getAgent('alice')).state, 'offered');
        assert.equal((await acd.getAgent('carol')).state, 'available');
        await far.answerAgent!(staff.alice!.endpoint);
        assert.equal(far.bridgedWith!(staff.alice!.endpoint), true, 'caller and agent bridged');
        assert.equal((await acd.getAgent('alice')).state, 'on-call');
        const figures = await acd.getQueue('billing');
        assert.equal(figures.answered, 1);
        assert.equal(figures.waiting, 0);
        assert.ok(figures.averageSpeedOfAnswerSeconds !== null);
        await far.remoteHangup();
        assert.equal((await acd.getAgent('alice')).state, 'wrap-up');
        assert.deepEqual(await far.leftovers(), []);
      } finally {
        acd.stop();
        await far.close();
      }
    });

    it('2 → support: the most skilled support agent gets the call (best-skill-match)', async () => {
      const staff = agents(kind);
      // Both support agents are free when the caller arrives.
      const { far, acd } = await queuedCaller(factory, '2', async (acd) => {
        await acd.login('bob', staff.bob!);
        await acd.login('carol', staff.carol!);
      });
      try {
        assert.equal(far.session()?.currentStep(), 'support');
        assert.equal((await acd.getAgent('carol')).state, 'offered');
        assert.equal((await acd.getAgent('bob')).state, 'available');
        await far.answerAgent!(staff.carol!.endpoint);
        assert.equal(far.bridgedWith!(staff.carol!.endpoint), true);
        assert.equal((await acd.getQueue('support')).answered, 1);
        await far.remoteHangup();
      } finally {
        acd.stop();
        await far.close();
      }
    });
  });
}

sampleQueue('the simulated PBX', 'sim', simFarEnd(sounds));
sampleQueue('Asterisk (ARI)', 'ari', ariFarEnd);
sampleQueue('FreeSWITCH (ESL)', 'esl', eslFarEnd);
