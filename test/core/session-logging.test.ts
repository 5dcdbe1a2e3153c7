import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { FlowDocument } from '../../src/core/flow/types.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createRig, TableHttpClient } from '../support/call-rig.ts';

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  let buffer = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      buffer += String(chunk);
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        lines.push(JSON.parse(buffer.slice(0, nl)));
        buffer = buffer.slice(nl + 1);
      }
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'debug', destination: stream }) };
}

const pay: FlowDocument = {
  id: 'pay',
  numbers: ['400'],
  start: 'card',
  steps: {
    card: { type: 'gather', prompt: 'enter', into: 'card', maxDigits: 16, secure: true, on: { done: 'pin', noInput: 'bye', invalid: 'bye' } },
    pin: { type: 'gather', prompt: 'enter', into: 'zip', maxDigits: 5, on: { done: 'charge', noInput: 'bye', invalid: 'bye' } },
    charge: { type: 'http', method: 'POST', url: 'http://crm/pay?card=${vars.card}', body: { card: '${vars.card}' }, on: { done: 'bye', error: 'bye' } },
    bye: { type: 'hangup' },
  },
};

describe('call logs', () => {
  it('carry callId, flowId and driver on every call line and never the secure digits', async () => {
    const { lines, logger } = capture();
    const rig = await createRig([pay], { logger, http: new TableHttpClient(() => ({ status: 200, body: {} })) });
    const leg = await rig.call('400');
    await rig.toInput(leg);
    await leg.pressDigits('4111111111111111');
    await rig.toInput(leg);
    await leg.pressDigits('90210');
    await rig.toEnd(leg);

    const callLines = lines.filter((l) => l['callId'] === leg.id);
    assert.ok(callLines.length >= 5, 'the call logged its steps');
    for (const line of callLines) {
      assert.equal(line['flowId'], 'pay');
      assert.equal(line['driver'], 'sim');
    }
    const text = JSON.stringify(lines);
    assert.ok(!text.includes('4111111111111111'), 'card number absent');
    assert.ok(!/"digit":"[0-9]"[^}]*"step":"card"/.test(text));
    const dtmf = callLines.filter((l) => l['msg'] === 'dtmf');
    assert.equal(dtmf.filter((l) => l['digit'] === '[REDACTED]').length, 16, 'digits of the secure gather are redacted');
    assert.deepEqual(
      dtmf.filter((l) => l['digit'] !== '[REDACTED]').map((l) => l['digit']),
      ['9', '0', '2', '1', '0'],
      'ordinary digits stay readable',
    );
    const request = callLines.find((l) => l['msg'] === 'http step request');
    assert.equal(request?.['url'], 'http://crm/pay?…', 'query strings (caller data) are not logged');
    assert.ok(callLines.some((l) => l['msg'] === 'call ended' && l['outcome'] === 'completed'));
  });
});
