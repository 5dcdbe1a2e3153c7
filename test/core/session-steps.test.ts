import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowDocument } from '../../src/core/flow/types.ts';
import { hotlineError } from '../../src/core/errors.ts';
import { createRig, TableHttpClient } from '../support/call-rig.ts';

const orders: FlowDocument = {
  id: 'orders',
  numbers: ['300'],
  start: 'ask',
  steps: {
    ask: {
      type: 'gather',
      prompt: 'enter',
      into: 'order',
      minDigits: 6,
      maxDigits: 6,
      pattern: '[1-9]\\d{5}',
      timeout: '5s',
      interDigitTimeout: '3s',
      invalidPrompt: 'invalid',
      on: { done: 'lookup', noInput: 'bye', invalid: 'bye' },
    },
    lookup: {
      type: 'http',
      url: '${settings.crm_url}/orders/${vars.order}',
      into: 'result',
      timeout: '2s',
      on: { done: 'status', error: 'sorry' },
    },
    status: { type: 'play', prompt: [{ say: 'Your order is ${vars.result.status}' }, { digits: '${vars.order}' }], on: { done: 'bye' } },
    sorry: { type: 'play', prompt: { say: 'sorry' }, on: { done: 'bye' } },
    bye: { type: 'hangup' },
  },
};

describe('gather and http steps', () => {
  it('collects digits to the terminator, looks the order up and reads the result back', async () => {
    const http = new TableHttpClient((req) => ({ status: 200, body: { status: `shipped (${req.url.split('/').at(-1)})` } }));
    const rig = await createRig([orders], { http, settings: { crm_url: 'http://crm.test' } });
    const leg = await rig.call('300');
    await rig.toInput(leg);
    await leg.pressDigits('123456#');
    await rig.toEnd(leg);
    assert.equal(http.requests[0]?.url, 'http://crm.test/orders/123456');
    assert.equal(http.requests[0]?.timeoutMs, 2000);
    assert.deepEqual(rig.sounds(leg.id), ['enter', 'text:Your order is shipped (123456)', 'digits:123456']);
    assert.deepEqual(rig.steps(leg.id), ['ask', 'lookup', 'status', 'bye']);
  });

  it('ends input after the inter-digit timeout and retries an invalid entry', async () => {
    const http = new TableHttpClient(() => ({ status: 200, body: { status: 'ok' } }));
    const rig = await createRig([orders], { http });
    const leg = await rig.call('300');
    await rig.toInput(leg);
    await leg.pressDigits('12');
    await leg.advance(3000); // inter-digit timeout: too short → invalid, retry
    await rig.toInput(leg);
    assert.deepEqual(rig.sounds(leg.id), ['enter', 'invalid', 'enter']);
    await leg.pressDigits('023456'); // pattern refuses a leading zero
    await rig.toInput(leg);
    await leg.pressDigits('223456');
    await rig.until(() => http.requests.length === 1);
    assert.match(http.requests[0]!.url, /223456$/);
  });

  it('takes the error branch when the CRM fails or answers non-2xx', async () => {
    for (const answer of [{ status: 500, body: 'boom' }, hotlineError('HOTLINE_ERR_TIMEOUT', 'timed out')]) {
      const rig = await createRig([orders], { http: new TableHttpClient(() => answer) });
      const leg = await rig.call('300');
      await rig.toInput(leg);
      await leg.pressDigits('123456');
      await rig.toEnd(leg);
      assert.deepEqual(rig.steps(leg.id), ['ask', 'lookup', 'sorry', 'bye']);
    }
  });

  it('redacts secure input in the call view but keeps it for the flow', async () => {
    const pay: FlowDocument = {
      id: 'pay',
      numbers: ['400'],
      start: 'card',
      steps: {
        card: { type: 'gather', prompt: 'enter', into: 'card', maxDigits: 16, secure: true, on: { done: 'charge', noInput: 'bye', invalid: 'bye' } },
        charge: { type: 'http', method: 'POST', url: 'http://crm/pay', body: { card: '${vars.card}' }, on: { done: 'bye', error: 'bye' } },
        bye: { type: 'hangup' },
      },
    };
    const http = new TableHttpClient(() => ({ status: 200, body: { approved: true } }));
    const rig = await createRig([pay], { http });
    const leg = await rig.call('400');
    await rig.toInput(leg);
    await leg.pressDigits('4111111111111111');
    await rig.toEnd(leg);
    assert.deepEqual(http.requests[0]?.body, { card: '4111111111111111' });
    const view = await rig.calls.getCall(leg.id);
    assert.equal(view?.variables.card, '[REDACTED]');
    assert.ok(!JSON.stringify(view).includes('4111111111111111'));
  });
});

describe('hours, branch, set, transfer, voicemail and subflow steps', () => {
  const line: FlowDocument = {
    id: 'line',
    numbers: ['500'],
    start: 'hours',
    vars: { tier: 'basic' },
    steps: {
      hours: {
        type: 'hours',
        timezone: 'America/New_York',
        weekly: { 'mon-fri': '08:00-20:00' },
        holidays: ['2026-12-25'],
        on: { open: 'tier', closed: 'closed', holiday: 'holiday' },
      },
      tier: {
        type: 'branch',
        cases: [
          { when: { var: 'tier', eq: 'gold' }, goto: 'vip' },
          { when: { value: '${call.from}', matches: '^\\+1555' }, goto: 'promote' },
        ],
        on: { otherwise: 'operator' },
      },
      promote: { type: 'set', vars: { tier: 'gold', note: 'promoted ${call.from}' }, on: { done: 'tier' } },
      vip: { type: 'transfer', to: '${vars.vip_desk}', on: { error: 'operator' } },
      operator: { type: 'transfer', to: '200', on: { error: 'closed' } },
      closed: { type: 'voicemail', maxLength: '60s', on: { done: 'bye' } },
      holiday: { type: 'subflow', flow: 'holiday-greeting', on: { done: 'bye', callback: 'closed' } },
      bye: { type: 'hangup' },
    },
  };
  const greeting: FlowDocument = {
    id: 'holiday-greeting',
    start: 'greet',
    steps: {
      greet: { type: 'menu', prompt: { say: 'happy holidays' }, options: { '1': 'cb', '2': 'out' }, on: { noInput: 'out', noMatch: 'out' } },
      cb: { type: 'return', outcome: 'callback' },
      out: { type: 'return' },
    },
  };
  const monday10am = Date.parse('2026-11-23T15:00:00Z');
  const sunday = Date.parse('2026-11-22T15:00:00Z');
  const christmas = Date.parse('2026-12-25T15:00:00Z');

  it('routes open hours through branch and set, and transfers when the allowlist permits', async () => {
    const rig = await createRig([line, greeting], { transferAllow: ['^200$'] });
    const leg = await rig.call('500', { from: '+15551234567', at: monday10am });
    await rig.toEnd(leg);
    // vip_desk is empty → transfer refused → operator (200) allowed.
    assert.deepEqual(rig.steps(leg.id), ['hours', 'tier', 'promote', 'tier', 'vip', 'operator']);
    assert.equal(rig.outcome(leg.id), 'transferred');
    assert.equal(leg.status, 'transferred');
    assert.equal((await rig.calls.getCall(leg.id))?.variables.note, 'promoted +15551234567');
  });

  it('refuses a transfer the allowlist does not permit and follows error', async () => {
    const rig = await createRig([line, greeting], { transferAllow: ['^999$'] });
    const leg = await rig.call('500', { from: '+4420000000', at: monday10am });
    await rig.until(() => rig.steps(leg.id).includes('closed'));
    assert.deepEqual(rig.steps(leg.id), ['hours', 'tier', 'operator', 'closed']);
    assert.equal(leg.status, 'up');
  });

  it('records a voicemail when closed and keeps the recording in the call', async () => {
    const rig = await createRig([line, greeting]);
    const leg = await rig.call('500', { at: sunday });
    await rig.toInput(leg);
    assert.equal(rig.calls.session(leg.id)?.currentStep(), 'closed');
    await leg.advance(10_000);
    await leg.pressDigits('#');
    await rig.toEnd(leg);
    const vm = (await rig.calls.getCall(leg.id))?.variables.voicemail as { recordingId: string; durationMs: number };
    assert.ok(vm.recordingId);
    assert.ok(leg.recordings.some((r) => r.recordingId === vm.recordingId));
    assert.equal(rig.outcome(leg.id), 'completed');
  });

  it('runs a sub-flow inline and continues at the handler of its return outcome', async () => {
    const rig = await createRig([line, greeting]);
    const leg = await rig.call('500', { at: christmas });
    await rig.toInput(leg);
    assert.equal(rig.calls.session(leg.id)?.currentStep(), 'holiday/greet');
    await leg.pressDigits('1');
    await rig.toInput(leg);
    assert.deepEqual(rig.steps(leg.id), ['hours', 'holiday', 'holiday/greet', 'holiday/cb', 'closed']);
  });
});
