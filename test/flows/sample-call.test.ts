/**
 * The sample line's headline call on every driver: a caller dials +18005550100, hears the
 * welcome, presses 3, keys 123456#, hears the order status from the CRM, and hangs up; the
 * session ends and the PBX holds nothing more of the call.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemorySessionStore } from '../../src/adapters/memory/memory-session-store.ts';
import { demoOrder } from '../../src/http/demo-crm-routes.ts';
import { TableHttpClient } from '../support/call-rig.ts';
import { compileAll, loadShippedFlows, loadShippedSounds } from '../support/shipped-flows.ts';
import { ariFarEnd, eslFarEnd, simFarEnd, type FarEndFactory } from '../support/far-end.ts';

const compiled = compileAll(loadShippedFlows());
const sounds = await loadShippedSounds();
const MONDAY_10AM_NEW_YORK = Date.parse('2026-11-23T15:00:00Z');

function sampleCall(name: string, factory: FarEndFactory): void {
  it(`runs the order-status call on ${name} and leaves nothing behind`, async () => {
    // The built-in demo CRM's answers, without a network.
    const crm = new TableHttpClient((req) => {
      const id = /\/orders\/(\d{6})$/.exec(req.url)?.[1];
      return id ? { status: 200, body: demoOrder(id, MONDAY_10AM_NEW_YORK) } : { status: 404, body: { error: 'not found' } };
    });
    const far = await factory({
      flows: {
        byNumber: (n) => compiled.find((c) => c.numbers.includes(n)),
        byId: (id) => compiled.find((c) => c.id === id),
        byVersion: async (v) => compiled.find((c) => c.version === v),
      },
      store: new MemorySessionStore(),
      http: crm,
      transferAllow: ['^\\d{3,4}$'],
      startAt: MONDAY_10AM_NEW_YORK,
    });
    try {
      const id = await far.call('+18005550100', '+15555550123');
      await far.finishPlayback(); // welcome and recording notice
      await far.finishPlayback(); // main menu
      await far.pressDigits('3');
      await far.finishPlayback(); // "enter your order number"
      await far.pressDigits('123456#');
      await far.quiet();
      assert.equal(crm.requests.length, 1);
      assert.match(crm.requests[0]!.url, /\/orders\/123456$/);
      const expected = demoOrder('123456', MONDAY_10AM_NEW_YORK).statusText;
      const view = await far.calls.getCall(id);
      const readBack = view?.prompts.find((p) => p.step === 'order-status/read-status');
      assert.ok(readBack, 'the status is read back');
      assert.deepEqual(readBack.media.slice(1), [{ kind: 'digits', value: '123456' }, { kind: 'text', text: expected }]);
      assert.equal(view?.prompts.filter((p) => p.step === 'welcome').length, 1);

      await far.remoteHangup();
      const ended = await far.calls.getCall(id);
      assert.equal(ended?.state, 'ended');
      assert.equal(ended?.outcome, 'caller-hangup');
      assert.deepEqual(ended?.path.slice(0, 8), ['record-call', 'welcome', 'pending-callback', 'check-hours', 'main-menu', 'order-status', 'order-status/enter-order', 'order-status/lookup-order']);
      assert.deepEqual(await far.leftovers(), [], 'nothing of the call left on the PBX');
    } finally {
      await far.close();
    }
  });
}

describe('the sample line on every PBX', () => {
  sampleCall('the simulated PBX', simFarEnd(sounds));
  sampleCall('FreeSWITCH (ESL)', eslFarEnd);
  sampleCall('Asterisk (ARI)', ariFarEnd);
});
