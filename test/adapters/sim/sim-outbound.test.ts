import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpApp } from '../../../src/http/server.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { fakeStore, serve } from '../../http/fakes.ts';
import { startedDriver } from './sim-fixture.ts';

const TOKEN = 'test-token-0123456789abcdef';
const json = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

describe('sim customer legs (callbacks)', () => {
  it('ring until the timeout passes on the leg clock, then end no-answer', async () => {
    const { driver } = await startedDriver();
    const leg = await driver.originate({ to: '+15551234567', from: '+18005550100', timeoutMs: 30_000, purpose: 'callback' });
    assert.deepEqual([leg.direction, leg.status, leg.to], ['outbound', 'ringing', '+15551234567']);
    assert.deepEqual(driver.outboundLegs(), [leg]);
    await leg.advance(29_999);
    assert.equal(leg.status, 'ringing', 'a customer never picks up by itself');
    await leg.advance(1);
    assert.deepEqual(leg.events, [{ type: 'call.hangup', cause: 'no-answer', by: 'remote' }]);
    assert.deepEqual(driver.outboundLegs(), []);
    assert.deepEqual(driver.resourcesOf(leg.id), []);
  });

  it('lists ringing and up outbound legs newest first, inbound legs never', async () => {
    const { driver } = await startedDriver();
    driver.placeCall({ to: '100' });
    const first = await driver.originate({ to: '+15550000001', timeoutMs: 30_000, purpose: 'callback' });
    const agent = await driver.originate({ to: 'sim:alice', timeoutMs: 30_000, purpose: 'agent' });
    const third = await driver.originate({ to: '+15550000003', timeoutMs: 30_000, purpose: 'callback' });
    await first.remoteAnswer();
    assert.deepEqual(driver.outboundLegs().map((l) => l.to), ['+15550000003', 'sim:alice', '+15550000001']);
    await third.remoteReject();
    await agent.advance(1000); // sim:<agent> phones still answer by themselves
    assert.equal(agent.status, 'up');
    assert.deepEqual(driver.outboundLegs().map((l) => l.id), [agent.id, first.id]);
  });
});

describe('POST /api/sim/calls/:id/answer|reject, GET /api/sim/outbound', () => {
  const ctx = { base: '', driver: undefined as unknown as Awaited<ReturnType<typeof startedDriver>>['driver'] };
  let close: () => Promise<void>;
  before(async () => {
    const { driver } = await startedDriver();
    ctx.driver = driver;
    const app = createHttpApp({
      logger: silentLogger, adminToken: TOKEN, soundsDir: mkdtempSync(join(tmpdir(), 'hotline-sounds-')), pbx: 'sim',
      driver, store: fakeStore(), metrics: createMetrics(), sim: driver,
      calls: { getCall: async () => undefined, listCalls: async () => [] },
    });
    const s = await serve(app);
    ctx.base = s.url;
    close = s.close;
  });
  after(() => close());

  const call = async (method: string, path: string, body: unknown = {}) => {
    const res = await fetch(`${ctx.base}${path}`, { method, headers: json, ...(method === 'GET' ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('the customer answers, keys, speaks and hangs up like any simulated call', async () => {
    const leg = await ctx.driver.originate({ to: '+15551112222', timeoutMs: 30_000, purpose: 'callback' });
    const listed = await call('GET', '/api/sim/outbound');
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.calls[0], { id: leg.id, status: 'ringing', now: new Date(leg.clock.now()).toISOString(), from: '', to: '+15551112222' });

    const answered = await call('POST', `/api/sim/calls/${leg.id}/answer`);
    assert.deepEqual([answered.status, answered.body.status], [200, 'up']);
    assert.deepEqual(leg.events, [{ type: 'call.answered' }]);
    const again = await call('POST', `/api/sim/calls/${leg.id}/answer`);
    assert.deepEqual([again.status, again.body.error.code], [409, 'HOTLINE_ERR_ILLEGAL_STATE']);

    assert.equal((await call('POST', `/api/sim/calls/${leg.id}/dtmf`, { digits: '1' })).status, 200);
    assert.equal((await call('POST', `/api/sim/calls/${leg.id}/say`, { text: 'yes please' })).status, 200);
    assert.deepEqual(leg.events.at(-1), { type: 'call.dtmf', digit: '1', durationMs: 100 });
    assert.equal(leg.utterances[0]?.text, 'yes please');
    const gone = await call('DELETE', `/api/sim/calls/${leg.id}`);
    assert.deepEqual([gone.status, gone.body.status], [200, 'ended']);
    assert.deepEqual(leg.events.at(-1), { type: 'call.hangup', cause: 'normal', by: 'remote' });
  });

  it('the customer rejects: the leg ends busy', async () => {
    const leg = await ctx.driver.originate({ to: '+15553334444', timeoutMs: 30_000, purpose: 'callback' });
    const res = await call('POST', `/api/sim/calls/${leg.id}/reject`);
    assert.deepEqual([res.status, res.body.status], [200, 'ended']);
    assert.deepEqual(leg.events, [{ type: 'call.hangup', cause: 'busy', by: 'remote' }]);
    assert.equal((await call('POST', `/api/sim/calls/${leg.id}/answer`)).status, 404, 'the PBX forgot the ended leg');
  });

  it('answers 409 for an inbound call, 404 for an unknown one', async () => {
    const inbound = ctx.driver.placeCall({ to: '100' });
    for (const action of ['answer', 'reject']) {
      const res = await call('POST', `/api/sim/calls/${inbound.id}/${action}`);
      assert.deepEqual([res.status, res.body.error.code], [409, 'HOTLINE_ERR_ILLEGAL_STATE'], action);
      assert.equal((await call('POST', `/api/sim/calls/sim-nothere/${action}`)).status, 404);
    }
    assert.equal(inbound.status, 'ringing');
  });
});
