import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { isHotlineError } from '../../src/core/errors.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { captureLines } from '../http/fakes.ts';
import { makeWorkspace } from './fixtures.ts';
import { freePort } from '../support/processes.ts';

const TOKEN = 'app-test-token-0123456789';

/** Polls an I/O condition (HTTP round trips, not timers) with a bounded number of tries. */
async function eventually<T>(fn: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('createApp', () => {
  test('wires a sim PBX, flows, call service and HTTP: a call runs end to end', async () => {
    const ws = makeWorkspace();
    const port = await freePort();
    const config = loadConfig({
      env: { PORT: String(port), FLOWS_DIR: ws.flowsDir, SOUNDS_DIR: ws.soundsDir, SIM_REALTIME: 'false', HOTLINE_ADMIN_TOKEN: TOKEN, LOG_LEVEL: 'info' },
    });
    const logs = captureLines();
    const app = await createApp(config, { logger: createLogger({ level: 'info', destination: logs.stream }) as unknown as Logger });
    try {
      const { port: bound } = await app.listen();
      assert.equal(bound, port);
      const base = `http://127.0.0.1:${port}`;
      const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
      const api = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${base}/api${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
        return { status: res.status, body: (await res.json()) as any };
      };

      assert.deepEqual(await (await fetch(`${base}/ready`)).json(), { ready: true, pbx: true, store: true });
      const placed = await api('POST', '/sim/calls', { to: '100', from: '+15551230000', at: '2026-11-23T09:00:00-05:00' });
      assert.equal(placed.status, 201);
      const id = placed.body.id as string;

      const first = await eventually(async () => {
        const r = await api('GET', `/calls/${id}`);
        return r.status === 200 ? r.body : undefined;
      }, 'the call record');
      assert.equal(first.flow, 'test-line');
      assert.equal(first.step, 'welcome');
      assert.equal(first.state, 'active');

      await api('POST', `/sim/calls/${id}/advance`, { seconds: 1 });
      assert.equal((await api('GET', `/calls/${id}`)).body.step, 'menu');
      assert.equal((await api('POST', `/sim/calls/${id}/dtmf`, { digits: '1' })).status, 200);
      // The http step calls the built-in demo CRM over real HTTP.
      const spoken = await eventually(async () => {
        const r = await api('GET', `/calls/${id}`);
        return r.body.step === 'say-status' ? r.body : undefined;
      }, 'the say-status step');
      assert.equal(spoken.variables.order.status, 'shipped');
      await api('POST', `/sim/calls/${id}/advance`, { seconds: 30 });
      const ended = await eventually(async () => {
        const r = await api('GET', `/calls/${id}`);
        return r.body.state === 'ended' ? r.body : undefined;
      }, 'the call to end');
      assert.deepEqual(ended.path, ['welcome', 'menu', 'lookup', 'say-status', 'bye']);
      assert.ok(ended.prompts.some((p: { media: Array<{ kind: string; text?: string }> }) => p.media.some((m) => m.kind === 'text' && /shipped/.test(m.text ?? ''))));
      const list = await api('GET', '/calls?state=ended');
      assert.ok(list.body.calls.some((c: { id: string }) => c.id === id));
      assert.equal((await api('POST', `/sim/calls/${id}/dtmf`, { digits: '1' })).status, 409);

      const metrics = await (await fetch(`${base}/metrics`)).text();
      assert.match(metrics, /hotline_calls_total\{flow="test-line",outcome="[a-z-]+"\} 1/);
      assert.match(metrics, /hotline_step_transitions_total\{flow="test-line",step="menu"\} 1/);

      const requestLine = logs.lines().find((l) => l.msg === 'request completed' && l.req?.method === 'POST');
      assert.ok(requestLine?.reqId, 'request log lines carry reqId');
      assert.doesNotMatch(JSON.stringify(logs.lines()), new RegExp(TOKEN));
    } finally {
      await app.close();
    }
  });

  test('refuses to start when no flow loads, printing the diagnostics', async () => {
    const ws = makeWorkspace();
    writeFileSync(join(ws.flowsDir, 'test-line.yaml'), 'id: test-line\nstart: a\nsteps:\n  a:\n    type: play\n    prompt: hello\n    on: { done: nowhere }\n');
    const config = loadConfig({ env: { FLOWS_DIR: ws.flowsDir, SOUNDS_DIR: ws.soundsDir, SIM_REALTIME: 'false', LOG_LEVEL: 'silent' } });
    await assert.rejects(createApp(config), (err: unknown) => {
      assert.ok(isHotlineError(err, 'HOTLINE_ERR_FLOW_INVALID'));
      assert.match(err.message, /no flow loaded from/);
      assert.match(err.message, /test-line\.yaml:7:\d+: error: .*nowhere/);
      return true;
    });
    const empty = mkdtempSync(join(tmpdir(), 'hotline-empty-'));
    await assert.rejects(createApp(loadConfig({ env: { FLOWS_DIR: empty, SOUNDS_DIR: ws.soundsDir, SIM_REALTIME: 'false', LOG_LEVEL: 'silent' } })), /no flow loaded/);
  });
});

describe('createApp with REDIS_URL', () => {
  test('uses the Redis stores; /ready reports the store going down', async () => {
    const { startRedis } = await import('../support/redis-server.ts');
    const redis = await startRedis();
    const ws = makeWorkspace();
    const config = loadConfig({ env: { REDIS_URL: redis.url, FLOWS_DIR: ws.flowsDir, SOUNDS_DIR: ws.soundsDir, SIM_REALTIME: 'false', LOG_LEVEL: 'silent', HOTLINE_ADMIN_TOKEN: TOKEN } });
    const app = await createApp(config);
    try {
      assert.equal(app.store.constructor.name, 'RedisSessionStore');
      const { port } = await app.listen({ port: 0 });
      const base = `http://127.0.0.1:${port}`;
      const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
      const placed = await (await fetch(`${base}/api/sim/calls`, { method: 'POST', headers, body: JSON.stringify({ to: '100' }) })).json();
      const record = await eventually(async () => (await app.store.get(placed.id)) ?? undefined, 'the session in Redis');
      assert.equal(record.flowId, 'test-line');
      assert.equal((await fetch(`${base}/ready`)).status, 200);
      await redis.stop();
      const down = await fetch(`${base}/ready`);
      assert.equal(down.status, 503);
      assert.deepEqual(await down.json(), { ready: false, pbx: true, store: false });
    } finally {
      await app.close();
      await redis.stop();
    }
  });
});
