import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CallLeg, LegEvent } from '../../src/ports/telephony.ts';
import { isHotlineError } from '../../src/core/errors.ts';
import type { HarnessFactory, TelephonyHarness } from './harness.ts';

/** How long to wait for an event a driver delivers asynchronously (socket round trips). */
const EVENT_WAIT_MS = 2000;

/**
 * Every event a leg emits, in order, with a way to wait for the next one that matches. Drivers
 * over a socket (ARI, ESL) deliver events later than the command resolves; the sim delivers them
 * at once. Waiting (with a deadline, never a fixed sleep) makes one suite fit both.
 */
class EventLog {
  readonly events: LegEvent[] = [];
  readonly #waiters: Array<{ match: (e: LegEvent) => boolean; from: number; resolve: (e: LegEvent) => void }> = [];

  constructor(leg: CallLeg) {
    leg.subscribe((event) => {
      this.events.push(event);
      for (const w of [...this.#waiters]) {
        if (this.events.length - 1 >= w.from && w.match(event)) {
          this.#waiters.splice(this.#waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    });
  }

  /** Resolves with the first event (at or after index `from`) matching `type` and `fields`. */
  waitFor<T extends LegEvent['type']>(type: T, fields: Partial<Extract<LegEvent, { type: T }>> = {}, from = 0): Promise<Extract<LegEvent, { type: T }>> {
    const match = (e: LegEvent) => e.type === type && Object.entries(fields).every(([k, v]) => (e as Record<string, unknown>)[k] === v);
    const found = this.events.slice(from).find(match);
    if (found) return Promise.resolve(found as Extract<LegEvent, { type: T }>);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.findIndex((w) => w.resolve === done), 1);
        reject(new Error(`no ${type} ${JSON.stringify(fields)} within ${EVENT_WAIT_MS} ms; saw ${JSON.stringify(this.events)}`));
      }, EVENT_WAIT_MS);
      const done = (e: LegEvent) => {
        clearTimeout(timer);
        resolve(e as Extract<LegEvent, { type: T }>);
      };
      this.#waiters.push({ match, from, resolve: done });
    });
  }

  /** Events of one type (optionally with matching fields) seen so far. */
  all<T extends LegEvent['type']>(type: T, fields: Partial<Extract<LegEvent, { type: T }>> = {}): Array<Extract<LegEvent, { type: T }>> {
    return this.events.filter(
      (e) => e.type === type && Object.entries(fields).every(([k, v]) => (e as Record<string, unknown>)[k] === v),
    ) as Array<Extract<LegEvent, { type: T }>>;
  }
}

const callEnded = (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_CALL_ENDED');
/** The one sound every harness's PBX must have; long enough to still be playing when digits arrive. */
const WELCOME = [{ kind: 'sound', name: 'welcome' }] as const;

/**
 * The behaviour every telephony driver shares, stated in port terms. Each adapter runs it with
 * its own harness (`sim-harness.ts`, the ARI and ESL fakes):
 *
 * @example
 * runTelephonyContract('sim driver', createSimHarness);
 *
 * The harness's PBX must know a sound named `welcome`. Originate tests are registered only when
 * the driver can originate and the harness can answer and reject outbound legs; the variables
 * test checks only legs that support variables.
 */
export function runTelephonyContract(name: string, factory: HarnessFactory): void {
  describe(`telephony contract: ${name}`, async () => {
    let h: TelephonyHarness;
    beforeEach(async () => {
      h = await factory();
    });
    afterEach(async () => {
      await h.close();
    });

    async function answeredCall(): Promise<{ leg: CallLeg; log: EventLog }> {
      const leg = await h.placeInbound({ to: '100', from: '+15551230000' });
      const log = new EventLog(leg);
      await leg.answer();
      return { leg, log };
    }

    it('hands an inbound call to Hotline with caller ID and dialled number', async () => {
      const leg = await h.placeInbound({ to: '100', from: '+15551230000', callerName: 'Ada' });
      assert.equal(leg.direction, 'inbound');
      assert.equal(leg.driver, h.driver.name);
      assert.equal(leg.from, '+15551230000');
      assert.equal(leg.to, '100');
      assert.equal(leg.callerName, 'Ada');
      assert.ok(leg.id.length > 0);
      assert.equal(h.driver.getLeg(leg.id)?.id, leg.id);
      assert.equal(h.driver.isReady(), true);
    });

    it('answers, and answering again is harmless', async () => {
      const { leg } = await answeredCall();
      await leg.answer();
    });

    it('plays media: prompt.started, then prompt.done finished when it ends', async () => {
      const { leg, log } = await answeredCall();
      await leg.play(WELCOME, { playbackId: 'pb-1', bargeIn: false });
      await log.waitFor('prompt.started', { playbackId: 'pb-1' });
      await h.finishPlayback(leg.id);
      await log.waitFor('prompt.done', { playbackId: 'pb-1', reason: 'finished' });
      const order = log.events.filter((e) => 'playbackId' in e && e.playbackId === 'pb-1').map((e) => e.type);
      assert.deepEqual(order, ['prompt.started', 'prompt.done']);
    });

    it('barge-in: the first digit stops a bargeable playback and is still delivered', async () => {
      const { leg, log } = await answeredCall();
      await leg.play(WELCOME, { playbackId: 'menu', bargeIn: true });
      await log.waitFor('prompt.started', { playbackId: 'menu' });
      await h.pressDigits(leg.id, '2');
      await log.waitFor('call.dtmf', { digit: '2' });
      await log.waitFor('prompt.done', { playbackId: 'menu', reason: 'stopped' });
    });

    it('a playback without barge-in keeps playing through DTMF', async () => {
      const { leg, log } = await answeredCall();
      await leg.play(WELCOME, { playbackId: 'notice', bargeIn: false });
      await log.waitFor('prompt.started', { playbackId: 'notice' });
      await h.pressDigits(leg.id, '5');
      await log.waitFor('call.dtmf', { digit: '5' });
      await h.finishPlayback(leg.id);
      const done = await log.waitFor('prompt.done', { playbackId: 'notice' });
      assert.equal(done.reason, 'finished');
    });

    it('stopPlayback ends a playback as stopped; stopping it again resolves', async () => {
      const { leg, log } = await answeredCall();
      await leg.play(WELCOME, { playbackId: 'pb-stop', bargeIn: false });
      await log.waitFor('prompt.started', { playbackId: 'pb-stop' });
      await leg.stopPlayback('pb-stop');
      await log.waitFor('prompt.done', { playbackId: 'pb-stop', reason: 'stopped' });
      await leg.stopPlayback('pb-stop');
    });

    it('play is idempotent by playbackId', async () => {
      const { leg, log } = await answeredCall();
      await leg.play(WELCOME, { playbackId: 'once', bargeIn: false });
      await leg.play(WELCOME, { playbackId: 'once', bargeIn: false });
      await log.waitFor('prompt.started', { playbackId: 'once' });
      await h.finishPlayback(leg.id);
      await log.waitFor('prompt.done', { playbackId: 'once' });
      // A second stop/finish round gives a duplicate playback the chance to show itself.
      await h.finishPlayback(leg.id);
      assert.equal(log.all('prompt.started', { playbackId: 'once' }).length, 1);
      assert.equal(log.all('prompt.done', { playbackId: 'once' }).length, 1);
    });

    it('delivers DTMF digits one event each, in order', async () => {
      const { leg, log } = await answeredCall();
      await h.pressDigits(leg.id, '12#*9');
      await log.waitFor('call.dtmf', { digit: '9' });
      assert.deepEqual(log.all('call.dtmf').map((e) => e.digit), ['1', '2', '#', '*', '9']);
    });

    it('remote hang-up: call.hangup by remote, then commands reject with HOTLINE_ERR_CALL_ENDED', async () => {
      const { leg, log } = await answeredCall();
      await h.remoteHangup(leg.id);
      const hangup = await log.waitFor('call.hangup');
      assert.equal(hangup.by, 'remote');
      await assert.rejects(leg.play(WELCOME, { playbackId: 'late', bargeIn: false }), callEnded);
      await assert.rejects(leg.answer(), callEnded);
      await leg.hangup(); // idempotent
      await leg.stopPlayback('late'); // idempotent
      assert.equal(log.all('call.hangup').length, 1);
      assert.equal(h.driver.getLeg(leg.id), undefined);
    });

    it('local hang-up carries its cause and happens once', async () => {
      const { leg, log } = await answeredCall();
      await leg.hangup('busy');
      const hangup = await log.waitFor('call.hangup');
      assert.deepEqual({ by: hangup.by, cause: hangup.cause }, { by: 'local', cause: 'busy' });
      await leg.hangup('busy');
      assert.equal(log.all('call.hangup').length, 1);
    });

    it('holds nothing for a leg after hang-up mid-playback', async () => {
      const { leg, log } = await answeredCall();
      await leg.play(WELCOME, { playbackId: 'cut', bargeIn: false });
      await log.waitFor('prompt.started', { playbackId: 'cut' });
      await leg.hangup();
      await log.waitFor('call.hangup');
      assert.deepEqual(await h.leftovers(leg.id), []);
    });

    // Optional capabilities decide which tests exist (never a skipped test): a probe harness,
    // built once while the suite is registered, tells what this driver and harness can do.
    const probe = await factory();
    const probeLeg = await probe.placeInbound({ to: '100', from: '+15551230000' });
    const canVariables = typeof probeLeg.setVariable === 'function' && typeof probeLeg.getVariable === 'function';
    const canOriginate = Boolean(probe.driver.originate && probe.answerOutbound && probe.rejectOutbound);
    await probeLeg.hangup();
    await probe.close();

    if (canVariables) {
      it('sets and reads back channel variables', async () => {
        const { leg } = await answeredCall();
        await leg.setVariable!('hotline_tier', 'gold; rm -rf / "quoted" ${x}');
        assert.equal(await leg.getVariable!('hotline_tier'), 'gold; rm -rf / "quoted" ${x}');
        assert.equal(await leg.getVariable!('hotline_never_set'), undefined);
      });
    }
    if (canOriginate) registerOriginateTests(() => h);
  });
}

/** Outbound legs, for harnesses that can play the far end of one. */
function registerOriginateTests(harness: () => TelephonyHarness): void {
  it('originates a ringing outbound leg that the far end answers', async () => {
    const h = harness();
    const leg = await h.driver.originate!({ to: '+15557654321', from: '+15550001111', timeoutMs: 30_000, purpose: 'agent' });
    const log = new EventLog(leg);
    assert.equal(leg.direction, 'outbound');
    assert.equal(leg.to, '+15557654321');
    await h.answerOutbound!(leg.id);
    await log.waitFor('call.answered');
    await leg.hangup();
    await log.waitFor('call.hangup', { by: 'local' });
  });

  it('originates a leg the far end rejects: call.hangup busy by remote', async () => {
    const h = harness();
    const leg = await h.driver.originate!({ to: '+15557654321', timeoutMs: 30_000, purpose: 'callback' });
    const log = new EventLog(leg);
    await h.rejectOutbound!(leg.id);
    const hangup = await log.waitFor('call.hangup');
    assert.deepEqual({ by: hangup.by, cause: hangup.cause }, { by: 'remote', cause: 'busy' });
    assert.equal(log.all('call.answered').length, 0);
    assert.deepEqual(await h.leftovers(leg.id), []);
  });
}
