import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHttpApp } from '../../src/http/server.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import type { CallServiceListener } from '../../src/core/call/types.ts';
import { callView, captureLines, fakeDriver, fakeStore, FakeSim, serve } from './fakes.ts';

const TOKEN = 'test-token-0123456789abcdef';
const auth = { authorization: `Bearer ${TOKEN}` };
const json = { ...auth, 'content-type': 'application/json' };

function setup(options: { sim?: boolean } = {}) {
  const soundsDir = mkdtempSync(join(tmpdir(), 'hotline-sounds-'));
  writeFileSync(join(soundsDir, 'welcome.wav'), Buffer.from('RIFF----WAVEfake'));
  mkdirSync(join(soundsDir, 'sub'));
  writeFileSync(join(soundsDir, 'sub', 'beep.wav'), Buffer.from('RIFFbeep'));
  writeFileSync(join(tmpdir(), 'secret.wav'), 'secret');
  const logs = captureLines();
  const logger = createLogger({ level: 'info', destination: logs.stream });
  const driver = fakeDriver();
  const store = fakeStore();
  const sim = new FakeSim();
  const metrics = createMetrics();
  let listener: CallServiceListener = () => {};
  metrics.attach({ on: (l) => ((listener = l), () => {}), activeCount: () => 2 });
  const views = new Map([['sim-9', callView('sim-9')]]);
  const app = createHttpApp({
    logger, adminToken: TOKEN, soundsDir, pbx: options.sim === false ? 'ari' : 'sim', driver, store, metrics,
    calls: {
      getCall: async (id) => views.get(id),
      listCalls: async (filter) => [...views.values()].filter((v) => !filter?.state || v.state === filter.state),
    },
    ...(options.sim === false ? {} : { sim }),
    now: () => Date.parse('2026-11-23T14:00:00Z'),
  });
  return { app, sim, driver, store, logs, emit: (e: Parameters<CallServiceListener>[0]) => listener(e) };
}

describe('HTTP API', () => {
  const ctx = setup();
  let base = '';
  let close: () => Promise<void>;
  before(async () => {
    const s = await serve(ctx.app);
    base = s.url;
    close = s.close;
  });
  after(() => close());

  test('GET /health', async () => {
    const res = await fetch(`${base}/health`);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { status: 'ok' });
  });

  test('GET /ready reports each part', async () => {
    assert.deepEqual(await (await fetch(`${base}/ready`)).json(), { ready: true, pbx: true, store: true });
    ctx.store.up = false;
    const res = await fetch(`${base}/ready`);
    assert.equal(res.status, 503);
    assert.deepEqual(await res.json(), { ready: false, pbx: true, store: false });
    ctx.store.up = true;
    ctx.driver.ready = false;
    assert.deepEqual(await (await fetch(`${base}/ready`)).json(), { ready: false, pbx: false, store: true });
    ctx.driver.ready = true;
  });

  test('GET /metrics exposes call metrics fed by call events', async () => {
    ctx.emit({ type: 'call.started', callId: 'c1', flowId: 'support-line', version: 'v', from: '1', to: '2', at: 0 });
    ctx.emit({ type: 'step.entered', callId: 'c1', step: 'welcome', kind: 'play', at: 0 });
    ctx.emit({ type: 'call.ended', callId: 'c1', flowId: 'support-line', path: ['welcome'], outcome: 'caller-hangup', at: 0 });
    ctx.emit({ type: 'call.error', callId: 'c1', code: 'HOTLINE_ERR_PBX', message: 'x', at: 0 });
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
    const text = await res.text();
    assert.match(text, /hotline_active_calls 2/);
    assert.match(text, /hotline_calls_total\{flow="support-line",outcome="caller-hangup"\} 1/);
    assert.match(text, /hotline_step_transitions_total\{flow="support-line",step="welcome"\} 1/);
    assert.match(text, /hotline_errors_total\{code="HOTLINE_ERR_PBX"\} 1/);
    assert.match(text, /process_cpu_user_seconds_total/);
  });

  test('/api requires the bearer token', async () => {
    const none = await fetch(`${base}/api/calls`);
    assert.equal(none.status, 401);
    assert.equal((await none.json()).error.code, 'HOTLINE_ERR_UNAUTHORIZED');
    const wrong = await fetch(`${base}/api/calls`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 401);
    assert.equal((await wrong.json()).error.message, 'invalid bearer token');
    const basic = await fetch(`${base}/api/calls`, { headers: { authorization: `Basic ${TOKEN}` } });
    assert.equal(basic.status, 401);
  });

  test('GET /api/calls and /api/calls/{id}', async () => {
    const list = await fetch(`${base}/api/calls`, { headers: auth });
    assert.equal(list.status, 200);
    assert.deepEqual((await list.json()).calls.map((c: { id: string }) => c.id), ['sim-9']);
    const ended = await (await fetch(`${base}/api/calls?state=ended`, { headers: auth })).json();
    assert.deepEqual(ended.calls, []);
    const bad = await fetch(`${base}/api/calls?state=gone`, { headers: auth });
    assert.equal(bad.status, 400);
    const one = await fetch(`${base}/api/calls/sim-9`, { headers: auth });
    assert.equal((await one.json()).step, 'main-menu');
    const missing = await fetch(`${base}/api/calls/nope`, { headers: auth });
    assert.equal(missing.status, 404);
    assert.equal((await missing.json()).error.code, 'HOTLINE_ERR_NO_SUCH_CALL');
  });

  test('POST /api/sim/calls places a call and validates the body', async () => {
    const res = await fetch(`${base}/api/sim/calls`, { method: 'POST', headers: json, body: JSON.stringify({ to: '+18005550100', at: '2026-11-23T09:00:00-05:00' }) });
    assert.equal(res.status, 201);
    const { id } = await res.json();
    assert.ok(ctx.sim.getLeg(id));
    assert.deepEqual(ctx.sim.placed.at(-1), { to: '+18005550100', at: Date.parse('2026-11-23T14:00:00Z') });

    const cases: Array<[unknown, RegExp]> = [
      [{}, /`to` is required/],
      [{ to: 'abc; rm -rf' }, /`to` must be a phone number/],
      [{ to: '100', at: 'tomorrow' }, /`at` must be an ISO 8601 time/],
      [{ to: '100', from: 42 }, /`from` must be a string/],
      [[1, 2], /must be a JSON object/],
    ];
    for (const [body, reason] of cases) {
      const r = await fetch(`${base}/api/sim/calls`, { method: 'POST', headers: json, body: JSON.stringify(body) });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.match((await r.json()).error.message, reason);
    }
  });

  test('malformed JSON is a 400 with a reason', async () => {
    const res = await fetch(`${base}/api/sim/calls`, { method: 'POST', headers: json, body: '{"to": ' });
    assert.equal(res.status, 400);
    const body = await res.json();
    assert.equal(body.error.code, 'HOTLINE_ERR_BAD_REQUEST');
    assert.match(body.error.message, /malformed JSON body/);
  });

  test('sim call controls: dtmf, say, advance, hangup', async () => {
    const { id } = await (await fetch(`${base}/api/sim/calls`, { method: 'POST', headers: json, body: JSON.stringify({ to: '100' }) })).json();
    const leg = ctx.sim.getLeg(id)!;
    const post = (path: string, body: unknown) => fetch(`${base}/api/sim/calls/${id}/${path}`, { method: 'POST', headers: json, body: JSON.stringify(body) });

    assert.equal((await post('dtmf', { digits: '12#' })).status, 200);
    assert.deepEqual(leg.digits, ['12#']);
    for (const digits of ['', '12x', '1'.repeat(65), 5]) {
      assert.equal((await post('dtmf', { digits })).status, 400, String(digits));
    }
    assert.equal((await post('say', { text: 'technical support' })).status, 200);
    assert.deepEqual(leg.said, ['technical support']);
    assert.equal((await post('say', { text: 'x'.repeat(501) })).status, 400);
    const adv = await post('advance', { seconds: 5 });
    assert.equal(adv.status, 200);
    assert.equal((await adv.json()).now, '2026-11-23T14:00:05.000Z');
    for (const seconds of [0, -1, 86401, '5']) assert.equal((await post('advance', { seconds })).status, 400, String(seconds));

    const del = await fetch(`${base}/api/sim/calls/${id}`, { method: 'DELETE', headers: auth });
    assert.equal(del.status, 200);
    assert.equal(leg.status, 'ended');
    const again = await post('dtmf', { digits: '1' });
    assert.equal(again.status, 409);
    assert.equal((await again.json()).error.code, 'HOTLINE_ERR_CALL_ENDED');
    const unknown = await fetch(`${base}/api/sim/calls/nope/dtmf`, { method: 'POST', headers: json, body: '{"digits":"1"}' });
    assert.equal(unknown.status, 404);
    assert.equal((await unknown.json()).error.code, 'HOTLINE_ERR_NO_SUCH_CALL');
  });

  test('GET /sounds serves WAVs and refuses traversal', async () => {
    const res = await fetch(`${base}/sounds/welcome.wav`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'audio/wav');
    assert.equal(await res.text(), 'RIFF----WAVEfake');
    assert.equal((await fetch(`${base}/sounds/sub/beep.wav`)).status, 200);
    assert.equal((await fetch(`${base}/sounds/missing.wav`)).status, 404);
    for (const path of ['/sounds/..%2Fsecret.wav', '/sounds/%2e%2e/secret.wav', '/sounds/welcome.txt', '/sounds/.hidden.wav']) {
      const r = await fetch(`${base}${path}`);
      assert.equal(r.status, 404, path);
      assert.equal((await r.json()).error.code, 'HOTLINE_ERR_NOT_FOUND');
    }
  });

  test('demo CRM orders', async () => {
    const shipped = await (await fetch(`${base}/demo/crm/orders/123450`)).json();
    assert.equal(shipped.status, 'shipped');
    assert.equal(shipped.eta, '2026-11-24');
    assert.match(shipped.statusText, /arrive on Tuesday, November 24/);
    assert.equal((await (await fetch(`${base}/demo/crm/orders/123454`)).json()).status, 'processing');
    assert.equal((await (await fetch(`${base}/demo/crm/orders/123457`)).json()).status, 'delivered');
    assert.equal((await (await fetch(`${base}/demo/crm/orders/123459`)).json()).status, 'cancelled');
    const bad = await fetch(`${base}/demo/crm/orders/12345`);
    assert.equal(bad.status, 404);
    assert.equal((await bad.json()).error.code, 'HOTLINE_ERR_NOT_FOUND');
  });

  test('demo CRM payments check Luhn and expiry, never log the card', async () => {
    const pay = (body: unknown) => fetch(`${base}/demo/crm/payments`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await (await pay({ card: '4111111111111111', expiry: '1230', amount: 25 })).json();
    assert.equal(ok.approved, true);
    assert.match(ok.confirmation, /^[0-9A-F]{6}$/);
    assert.deepEqual(await (await pay({ card: '4111111111111112', expiry: '1230' })).json(), { approved: false, reason: 'invalid-card', confirmation: null });
    assert.equal((await (await pay({ card: '4111111111111111', expiry: '0120' })).json()).reason, 'expired');
    assert.equal((await pay({ card: '4111', expiry: '1230' })).status, 400);
    assert.equal((await pay({ card: '4111111111111111', expiry: '1330' })).status, 400);
    assert.doesNotMatch(JSON.stringify(ctx.logs.lines()), /4111111111111111/);
  });

  test('unknown routes answer JSON 404', async () => {
    const res = await fetch(`${base}/nowhere`);
    assert.equal(res.status, 404);
    assert.deepEqual(await res.json(), { error: { code: 'HOTLINE_ERR_NOT_FOUND', message: 'no route GET /nowhere' } });
    const api = await fetch(`${base}/api/nowhere`, { headers: auth });
    assert.equal(api.status, 404);
  });

  test('the web page is served', async () => {
    const res = await fetch(`${base}/`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<title>Hotline/);
    assert.equal((await fetch(`${base}/app.js`)).status, 200);
  });

  test('request logs carry a reqId and hide the token', async () => {
    await fetch(`${base}/?token=${TOKEN}`, { headers: { 'x-request-id': 'req-abc' } });
    const line = ctx.logs.lines().find((l) => l.reqId === 'req-abc');
    assert.ok(line, 'request log line with reqId');
    assert.equal(line.msg, 'request completed');
    assert.equal(line.res.statusCode, 200);
    assert.equal(line.req.url, '/?token=[Redacted]');
    assert.doesNotMatch(JSON.stringify(ctx.logs.lines()), new RegExp(TOKEN));
  });
});

describe('HTTP API on a real PBX', () => {
  test('sim routes answer 409 with a reason', async () => {
    const ctx = setup({ sim: false });
    const s = await serve(ctx.app);
    try {
      const res = await fetch(`${s.url}/api/sim/calls`, { method: 'POST', headers: json, body: JSON.stringify({ to: '100' }) });
      assert.equal(res.status, 409);
      assert.match((await res.json()).error.message, /need PBX=sim \(this server runs PBX=ari\)/);
    } finally {
      await s.close();
    }
  });
});
