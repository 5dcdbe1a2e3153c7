import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { MemorySoundLibrary } from '../../src/adapters/memory/memory-sound-library.ts';
import { ManualClock } from '../../src/adapters/clock/manual-clock.ts';
import { SimTelephonyDriver } from '../../src/adapters/sim/sim-driver.ts';
import { OutboundLegs } from '../../src/core/call/outbound-legs.ts';
import { callRoutes } from '../../src/http/call-routes.ts';
import { errorHandler } from '../../src/http/error-handler.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import type { CallView } from '../../src/core/call/types.ts';
import { serve } from '../http/fakes.ts';

const T0 = Date.parse('2026-11-23T15:00:00Z');

async function rig() {
  const clock = new ManualClock(T0);
  const sim = new SimTelephonyDriver({ sounds: new MemorySoundLibrary(), now: () => clock.now() });
  const outbound = new OutboundLegs({ clock, driver: 'sim' });
  const driver = outbound.track(sim);
  await driver.start(async () => undefined);
  return { clock, sim, driver, outbound };
}

describe('OutboundLegs', () => {
  it('lists what was dialled while it rings and when up, and forgets it at hang-up', async () => {
    const { clock, sim, driver, outbound } = await rig();
    const leg = await driver.originate!({ to: '+12125550111', from: '+18005550100', timeoutMs: 30_000, purpose: 'callback' });
    assert.deepEqual(outbound.list(), [
      { id: leg.id, direction: 'outbound', to: '+12125550111', from: '+18005550100', purpose: 'callback', state: 'active', leg: 'ringing', driver: 'sim', startedAt: new Date(T0).toISOString() },
    ]);
    await clock.advance(4000);
    await sim.outboundLegs()[0]!.remoteAnswer();
    const up = outbound.get(leg.id)!;
    assert.equal(up.leg, 'up');
    assert.ok(up.answeredAt);
    await leg.hangup('normal');
    assert.deepEqual(outbound.list(), []);
    assert.equal(outbound.get(leg.id), undefined);
  });

  it('the tracked driver is the driver for everything else (private state included)', async () => {
    const { sim, driver } = await rig();
    assert.equal(driver.name, sim.name);
    const inbound = sim.placeCall({ to: '100', from: '+12125550100' });
    assert.equal(driver.getLeg(inbound.id)?.id, inbound.id);
    await driver.stop();
  });

  it('GET /api/calls lists outbound legs beside the calls running flows; GET /api/calls/{id} finds one', async () => {
    const { driver, outbound } = await rig();
    const leg = await driver.originate!({ to: 'sim:alice', timeoutMs: 20_000, purpose: 'agent' });
    const flowCall = { id: 'in-1', direction: 'inbound', state: 'active' } as unknown as CallView;
    const app = express();
    app.use((_req, res, next) => {
      res.locals.principal = { name: 'admin', role: 'admin', queues: '*' };
      next();
    });
    app.use('/api', callRoutes({ getCall: async (id) => (id === 'in-1' ? flowCall : undefined), listCalls: async (f) => (f?.state === 'ended' ? [] : [flowCall]) }, { outbound }));
    app.use(errorHandler({ logger: silentLogger }));
    const server = await serve(app);
    try {
      const all = (await (await fetch(`${server.url}/api/calls`)).json()) as any;
      assert.deepEqual(all.calls.map((c: any) => [c.id, c.direction]), [['in-1', 'inbound'], [leg.id, 'outbound']]);
      assert.equal(all.calls[1].to, 'sim:alice');
      assert.equal(all.calls[1].purpose, 'agent');
      const ended = (await (await fetch(`${server.url}/api/calls?state=ended`)).json()) as any;
      assert.deepEqual(ended.calls, []);
      const one = await fetch(`${server.url}/api/calls/${leg.id}`);
      assert.equal(one.status, 200);
      assert.equal(((await one.json()) as any).leg, 'ringing');
      assert.equal((await fetch(`${server.url}/api/calls/nope`)).status, 404);
    } finally {
      await server.close();
    }
  });
});
