import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import express from 'express';
import { callbackRoutes } from '../../src/http/callback-routes.ts';
import { errorHandler, notFoundHandler } from '../../src/http/error-handler.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { serve } from '../http/fakes.ts';
import { callbackRig, HOUR, MON_0900, type Rig } from './callback-rig.ts';

describe('callback routes', () => {
  let rig: Rig;
  let server: { url: string; close(): Promise<void> };
  const ids: Record<string, string> = {};
  before(async () => {
    rig = callbackRig({ script: ['busy', 'connected'] });
    const app = express();
    // Who is asking: `x-as: sue` is a supervisor of billing only; anything else the admin.
    app.use('/api', (req, res, next) => {
      res.locals.principal = req.get('x-as') === 'sue' ? { name: 'sue', role: 'supervisor', queues: ['billing'] } : { name: 'admin', role: 'admin', queues: '*' };
      next();
    });
    app.use('/api', express.json(), callbackRoutes({ callbacks: rig.service, queueExists: (q) => q === 'billing' || q === 'support' }));
    app.use(notFoundHandler);
    app.use(errorHandler({ logger: silentLogger }));
    server = await serve(app);
    ids.kept = (await rig.service.requestKeepPlace({ callId: 'call-1', number: '2125550123', queue: 'support', priority: 1 })).id;
    await rig.clock.advance(1000);
    ids.booked = (await rig.service.book({ callId: 'call-2', number: '3125550199', queue: 'billing', priority: 0, slotKey: 'billing:2026-11-23:pm' })).id;
    await rig.clock.advance(1000);
    ids.done = (await rig.service.requestKeepPlace({ callId: 'call-3', number: '4155550100', queue: 'support', priority: 0 })).id;
    await rig.service.dueNow(ids.done);
    await rig.drain(ids.done);
  });
  after(() => server.close());

  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  it('lists newest first, filtered by state and queue', async () => {
    const all = await call('GET', '/api/callbacks');
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.callbacks.map((c: any) => c.id), [ids.done, ids.booked, ids.kept]);
    assert.deepEqual((await call('GET', '/api/callbacks?queue=support')).body.callbacks.map((c: any) => c.id), [ids.done, ids.kept]);
    assert.deepEqual((await call('GET', '/api/callbacks?state=scheduled')).body.callbacks.map((c: any) => c.id), [ids.booked]);
    assert.deepEqual((await call('GET', '/api/callbacks?limit=1')).body.callbacks.map((c: any) => c.id), [ids.done]);
    const bad = await call('GET', '/api/callbacks?state=bogus');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.details.field, 'state');
    assert.equal((await call('GET', '/api/callbacks?limit=0')).status, 400);
  });

  it('shows one callback: number, mode, queue, due time, attempts with outcomes, final outcome', async () => {
    const res = await call('GET', `/api/callbacks/${ids.done}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.number, '+14155550100');
    assert.equal(res.body.mode, 'keep-place');
    assert.equal(res.body.queue, 'support');
    assert.equal(res.body.state, 'connected');
    assert.equal(res.body.outcome, 'connected');
    assert.deepEqual(res.body.attempts.map((a: any) => [a.n, a.outcome]), [[1, 'busy'], [2, 'connected']]);
    assert.match(res.body.dueAt, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const booked = await call('GET', `/api/callbacks/${ids.booked}`);
    assert.equal(booked.body.dueAt, '2026-11-23T17:00:00.000Z');
    assert.equal(booked.body.slot.label, 'this afternoon');
    assert.equal(booked.body.outcome, null);
    const missing = await call('GET', '/api/callbacks/cb-nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error.code, 'HOTLINE_ERR_NO_SUCH_CALLBACK');
  });

  it('reschedule: 400 with reasons, 200 when valid', async () => {
    const path = `/api/callbacks/${ids.booked}/reschedule`;
    const notIso = await call('POST', path, { at: 'tomorrow' });
    assert.equal(notIso.status, 400);
    assert.equal(notIso.body.error.details.field, 'at');
    assert.equal((await call('POST', path, {})).status, 400);
    const past = await call('POST', path, { at: new Date(MON_0900 - HOUR).toISOString() });
    assert.equal(past.status, 400);
    assert.equal(past.body.error.details.reason, 'past');
    const late = await call('POST', path, { at: '2026-12-31T12:00:00Z' });
    assert.equal(late.status, 400);
    assert.equal(late.body.error.details.reason, 'after-expiry');
    const ok = await call('POST', path, { at: '2026-11-24T10:30:00-05:00' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.dueAt, '2026-11-24T15:30:00.000Z');
    assert.equal(ok.body.slot, null);
  });

  it('cancel: 200, then 409 once final; 409 for reschedule of a final callback', async () => {
    const first = await call('DELETE', `/api/callbacks/${ids.kept}`);
    assert.equal(first.status, 200);
    assert.equal(first.body.state, 'cancelled');
    const again = await call('DELETE', `/api/callbacks/${ids.kept}`);
    assert.equal(again.status, 409);
    assert.equal(again.body.error.code, 'HOTLINE_ERR_ILLEGAL_STATE');
    const done = await call('POST', `/api/callbacks/${ids.done}/reschedule`, { at: '2026-11-24T10:30:00-05:00' });
    assert.equal(done.status, 409);
    assert.equal((await call('DELETE', '/api/callbacks/cb-nope')).status, 404);
  });

  it('a supervisor sees and acts on the callbacks of their queues only', async () => {
    const sue = { 'x-as': 'sue' };
    const listed = await call('GET', '/api/callbacks', undefined, sue);
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.callbacks.map((c: any) => c.queue), ['billing']);
    assert.equal((await call('GET', '/api/callbacks?queue=support', undefined, sue)).status, 403);
    assert.equal((await call('GET', `/api/callbacks/${ids.booked}`, undefined, sue)).status, 200);
    const other = await call('GET', `/api/callbacks/${ids.done}`, undefined, sue);
    assert.equal(other.status, 403);
    assert.equal(other.body.error.code, 'HOTLINE_ERR_FORBIDDEN');
    assert.equal((await call('DELETE', `/api/callbacks/${ids.done}`, undefined, sue)).status, 403);
    assert.equal((await call('POST', `/api/callbacks/${ids.done}/reschedule`, { at: '2026-11-24T10:30:00-05:00' }, sue)).status, 403);
    assert.equal((await call('POST', '/api/callbacks', { number: '+12125550111', queue: 'support' }, sue)).status, 403);
  });

  it('POST /api/callbacks books a callback at a time, deferred to opening; idempotent by key; 4xx with reasons', async () => {
    // Monday 09:00 New York; 21:30 that evening is after closing (billing opens 08:00–20:00): deferred to Tuesday 08:00.
    const made = await call('POST', '/api/callbacks', { number: '(212) 555-0111', queue: 'billing', at: '2026-11-23T21:30:00-05:00', priority: 5 }, { 'idempotency-key': 'req-1' });
    assert.equal(made.status, 201);
    assert.equal(made.body.number, '+12125550111');
    assert.equal(made.body.mode, 'scheduled');
    assert.equal(made.body.state, 'scheduled');
    assert.equal(made.body.priority, 5);
    assert.equal(made.body.dueAt, '2026-11-24T13:00:00.000Z');
    const again = await call('POST', '/api/callbacks', { number: '(212) 555-0111', queue: 'billing', at: '2026-11-23T21:30:00-05:00', priority: 5 }, { 'idempotency-key': 'req-1' });
    assert.equal(again.status, 201);
    assert.equal(again.body.id, made.body.id);
    const now = await call('POST', '/api/callbacks', { number: '+13125550100', queue: 'support' });
    assert.equal(now.status, 201);
    assert.notEqual(now.body.id, made.body.id);

    const cases: Array<[unknown, number, string]> = [
      [{ queue: 'billing' }, 400, 'number'],
      [{ number: '12; rm -rf /', queue: 'billing' }, 400, 'number'],
      [{ number: '+12125550111', queue: 'nope' }, 404, 'queue'],
      [{ number: '+12125550111', queue: 'billing', at: 'soon' }, 400, 'at'],
      [{ number: '+12125550111', queue: 'billing', at: '2020-01-01T00:00:00Z' }, 400, 'at'],
      [{ number: '+12125550111', queue: 'billing', priority: 1000 }, 400, 'priority'],
      [{ number: '+12125550111', queue: 'billing', extra: 1 }, 400, 'extra'],
    ];
    for (const [body, status, field] of cases) {
      const res = await call('POST', '/api/callbacks', body);
      assert.equal(res.status, status, JSON.stringify(body));
      assert.equal(res.body.error.details.field, field, JSON.stringify(body));
    }
    const premium = await call('POST', '/api/callbacks', { number: '+19005550100', queue: 'billing' });
    assert.equal(premium.status, 403);
    assert.equal(premium.body.error.code, 'HOTLINE_ERR_NUMBER_DENIED');
  });
});
