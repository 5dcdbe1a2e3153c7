import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentIdOf } from '../../../src/adapters/sim/sim-agents.ts';
import { isHotlineError } from '../../../src/core/errors.ts';
import { createHttpApp } from '../../../src/http/server.ts';
import { createMetrics } from '../../../src/observability/metrics.ts';
import { silentLogger } from '../../../src/ports/logger.ts';
import { fakeStore, serve } from '../../http/fakes.ts';
import { startedDriver } from './sim-fixture.ts';

const TOKEN = 'test-token-0123456789abcdef';
const json = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

describe('simulated agent phones', () => {
  it('answer a call to sim:<agentId> by themselves after one simulated second', async () => {
    const { driver } = await startedDriver();
    const leg = await driver.originate({ to: 'sim:alice', timeoutMs: 20_000, purpose: 'agent' });
    await leg.advance(999);
    assert.equal(leg.status, 'ringing');
    await leg.advance(1);
    assert.equal(leg.status, 'up');
    assert.deepEqual(leg.events, [{ type: 'call.answered' }]);
  });

  it('ring until answered, rejected or timed out when the agent answers manually', async () => {
    const { driver } = await startedDriver();
    driver.setAgentAnswerMode('alice', 'manual');
    const leg = await driver.originate({ to: 'sim:alice', timeoutMs: 20_000, purpose: 'agent' });
    await leg.advance(19_999);
    assert.equal(leg.status, 'ringing');
    await leg.advance(1);
    assert.deepEqual(leg.events, [{ type: 'call.hangup', cause: 'no-answer', by: 'remote' }]);
    // Back to auto: the next call answers by itself again.
    driver.setAgentAnswerMode('alice', 'auto');
    const next = await driver.originate({ to: 'sim:alice', timeoutMs: 20_000, purpose: 'agent' });
    await next.advance(1000);
    assert.equal(next.status, 'up');
  });

  it('keep modes per agent, and never auto-answer numbers', async () => {
    const { driver } = await startedDriver();
    driver.setAgentAnswerMode('alice', 'manual');
    const alice = await driver.originate({ to: 'sim:alice', timeoutMs: 20_000, purpose: 'agent' });
    const bob = await driver.originate({ to: 'sim:bob', timeoutMs: 20_000, purpose: 'agent' });
    const number = await driver.originate({ to: '+15557654321', timeoutMs: 20_000, purpose: 'callback' });
    await alice.advance(5000);
    await bob.advance(5000);
    await number.advance(5000);
    assert.deepEqual([alice.status, bob.status, number.status], ['ringing', 'up', 'ringing']);
  });

  it('let an explicit autoAnswerAfterMs or sim_auto_answer_ms win over the mode', async () => {
    const { driver } = await startedDriver();
    driver.setAgentAnswerMode('alice', 'manual');
    const a = await driver.originate({ to: 'sim:alice', timeoutMs: 20_000, purpose: 'agent', autoAnswerAfterMs: 3000 });
    const b = await driver.originate({ to: 'sim:bob', timeoutMs: 20_000, purpose: 'agent', variables: { sim_auto_answer_ms: '5000' } });
    await a.advance(3000);
    await b.advance(4999);
    assert.deepEqual([a.status, b.status], ['up', 'ringing']);
  });

  it('agentLeg finds the live leg to the agent, newest first', async () => {
    const { driver } = await startedDriver();
    driver.setAgentAnswerMode('alice', 'manual');
    assert.equal(driver.agentLeg('alice'), undefined);
    const first = await driver.originate({ to: 'sim:alice', timeoutMs: 20_000, purpose: 'agent' });
    const second = await driver.originate({ to: 'sim:alice', timeoutMs: 20_000, purpose: 'agent' });
    await driver.originate({ to: 'sim:alice2', timeoutMs: 20_000, purpose: 'agent' });
    assert.equal(driver.agentLeg('alice'), second);
    await second.remoteReject();
    assert.equal(driver.agentLeg('alice'), first);
    await first.remoteAnswer();
    assert.equal(driver.agentLeg('alice'), first); // up counts as live
    await first.remoteHangup();
    assert.equal(driver.agentLeg('alice'), undefined);
  });

  it('validate the agent id and mode', async () => {
    const { driver } = await startedDriver();
    assert.throws(() => driver.setAgentAnswerMode('bad id', 'manual'), (err) => isHotlineError(err, 'HOTLINE_ERR_BAD_REQUEST'));
    assert.throws(() => driver.setAgentAnswerMode('alice', 'never' as never), (err) => isHotlineError(err, 'HOTLINE_ERR_BAD_REQUEST'));
  });

  it('agentIdOf reads sim endpoints only', () => {
    assert.equal(agentIdOf('sim:alice'), 'alice');
    assert.equal(agentIdOf('sim:'), undefined);
    assert.equal(agentIdOf('PJSIP/alice'), undefined);
    assert.equal(agentIdOf('sim:a b'), undefined);
  });
});

describe('POST /api/sim/agents/:id/answer|reject|hangup', () => {
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

  const post = async (path: string) => {
    const res = await fetch(`${ctx.base}${path}`, { method: 'POST', headers: json, body: '{}' });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('answers a ringing agent phone, then 409 when it is already up', async () => {
    ctx.driver.setAgentAnswerMode('dana', 'manual');
    const leg = await ctx.driver.originate({ to: 'sim:dana', timeoutMs: 20_000, purpose: 'agent' });
    const res = await post('/api/sim/agents/dana/answer');
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.id, res.body.status], [leg.id, 'up']);
    assert.deepEqual(leg.events, [{ type: 'call.answered' }]);
    const again = await post('/api/sim/agents/dana/answer');
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'HOTLINE_ERR_ILLEGAL_STATE');
    const reject = await post('/api/sim/agents/dana/reject');
    assert.equal(reject.status, 409);
    const hangup = await post('/api/sim/agents/dana/hangup');
    assert.equal(hangup.status, 200);
    assert.equal(hangup.body.status, 'ended');
    assert.deepEqual(leg.events.at(-1), { type: 'call.hangup', cause: 'normal', by: 'remote' });
  });

  it('rejects a ringing agent phone as busy', async () => {
    ctx.driver.setAgentAnswerMode('erin', 'manual');
    const leg = await ctx.driver.originate({ to: 'sim:erin', timeoutMs: 20_000, purpose: 'agent' });
    const res = await post('/api/sim/agents/erin/reject');
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'ended');
    assert.deepEqual(leg.events, [{ type: 'call.hangup', cause: 'busy', by: 'remote' }]);
  });

  it('answers 404 when the agent has no ringing or live leg, 400 for a bad id', async () => {
    for (const action of ['answer', 'reject', 'hangup']) {
      const res = await post(`/api/sim/agents/frank/${action}`);
      assert.equal(res.status, 404, action);
      assert.equal(res.body.error.code, 'HOTLINE_ERR_NO_SUCH_CALL');
    }
    // erin's leg ended above: no longer live.
    assert.equal((await post('/api/sim/agents/erin/hangup')).status, 404);
    assert.equal((await post('/api/sim/agents/b%20d/answer')).status, 400);
  });
});

describe('sim agent routes on a real PBX', () => {
  it('answer 409: the simulator is not running', async () => {
    const app = createHttpApp({
      logger: silentLogger, adminToken: TOKEN, soundsDir: mkdtempSync(join(tmpdir(), 'hotline-sounds-')), pbx: 'ari',
      driver: (await startedDriver()).driver, store: fakeStore(), metrics: createMetrics(),
      calls: { getCall: async () => undefined, listCalls: async () => [] },
    });
    const s = await serve(app);
    try {
      const res = await fetch(`${s.url}/api/sim/agents/alice/answer`, { method: 'POST', headers: json, body: '{}' });
      assert.equal(res.status, 409);
    } finally {
      await s.close();
    }
  });
});
