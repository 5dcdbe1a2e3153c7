import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisConnection, RedisSessionStore } from '../../src/adapters/redis/redis-client.ts';
import type { SessionRecord } from '../../src/ports/stores.ts';
import { FakeAriServer } from '../fakes/ari/fake-ari-server.ts';
import { freePort, startHotlineProcess, waitUntil, type HotlineProcess } from '../support/processes.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';

/**
 * Crash recovery on Asterisk, with real processes: Hotline (`node bin/hotline.js serve`) on the
 * fake ARI server and a real Redis is killed with SIGKILL while one call waits in a menu and
 * another in a queue, then started again. The calls stay in Stasis meanwhile (events for an app
 * with no connection are dropped, as Asterisk does); the new process must resume both.
 */

const TOKEN = 'crash-test-admin-token-0123';
const WAIT_MS = 20_000;

const FLOW = `id: crash-line
name: Crash line
numbers: ["100"]
start: welcome
steps:
  welcome:
    type: play
    prompt: welcome
    on: { done: menu }
  menu:
    type: menu
    prompt: main-menu
    options:
      "1": billing
      "2": bye
    timeout: 60s
    retries: 1
    on: { noInput: bye, noMatch: bye }
  billing:
    type: queue
    queue: billing
    maxWait: 60s
    on: { done: bye, timeout: sorry }
  sorry:
    type: play
    prompt: apology
    on: { done: bye }
  bye:
    type: hangup
`;

let current: HotlineProcess | undefined;
/** Polls other processes and sockets until `check` holds; failures show the running Hotline's output. */
const waitFor = <T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string) =>
  waitUntil(check, what, { timeoutMs: WAIT_MS, pauseMs: 20, explain: () => `--- hotline output (tail) ---\n${current?.output().slice(-4000) ?? ''}` });

describe('kill -9 of Hotline on ARI: calls resume from Redis', () => {
  let redis: TestRedis;
  let fake: FakeAriServer;
  let store: RedisSessionStore;
  let flowsDir: string;
  let port: number;
  let env: Record<string, string>;
  const children: HotlineProcess[] = [];

  before(async () => {
    redis = await startRedis();
    fake = await new FakeAriServer({ username: 'hotline', password: 'ari-crash-secret' }).start();
    flowsDir = mkdtempSync(join(tmpdir(), 'hotline-crash-'));
    writeFileSync(join(flowsDir, 'crash-line.yaml'), FLOW);
    mkdirSync(join(flowsDir, 'queues'));
    writeFileSync(join(flowsDir, 'queues', 'billing.yaml'), 'queue: billing\n');
    port = await freePort();
    env = {
      PBX: 'ari',
      ARI_URL: fake.url,
      ARI_USERNAME: 'hotline',
      ARI_PASSWORD: 'ari-crash-secret',
      ARI_APP: 'hotline',
      REDIS_URL: redis.url,
      PORT: String(port),
      HOTLINE_ADMIN_TOKEN: TOKEN,
      FLOWS_DIR: flowsDir,
      DEFAULT_FLOW: 'crash-line',
      LOG_LEVEL: 'info',
    };
    store = new RedisSessionStore(await createRedisConnection(redis.url));
  });

  after(async () => {
    for (const h of children) await h.kill();
    await store?.close().catch(() => undefined);
    await fake?.close();
    await redis?.stop();
    if (flowsDir) rmSync(flowsDir, { recursive: true, force: true });
  });

  const base = () => `http://127.0.0.1:${port}`;
  const boot = async () => {
    const h = startHotlineProcess(env);
    children.push(h);
    current = h;
    await h.ready(port, WAIT_MS);
    return h;
  };
  const plays = (channelId: string) =>
    fake.requests.filter((r) => r.method === 'POST' && r.path === `/channels/${channelId}/play` && r.status === 201).map((r) => r.query['media']);
  const stored = (id: string) => store.get(id);
  const promptDone = (record: SessionRecord | undefined, step: string) =>
    record?.prompts.some((p) => p.step === step && p.state === 'finished') ?? false;

  it('re-prompts the menu, keeps the queue place, and ends both calls cleanly', async () => {
    await boot();

    // Call A: welcome, then the menu prompt, both played to the end: A waits for a key.
    const a = fake.placeInbound({ to: '100', from: '5551001' });
    await waitFor(() => plays(a).length === 1, 'welcome on A');
    fake.finishPlayback(a);
    await waitFor(() => plays(a).length === 2, 'menu prompt on A');
    fake.finishPlayback(a);
    await waitFor(async () => promptDone(await stored(a), 'menu'), 'A waiting in the menu, stored');

    // Call B: the same, then `1`: B waits in the billing queue with music on hold.
    const b = fake.placeInbound({ to: '100', from: '5551002' });
    await waitFor(() => plays(b).length === 1, 'welcome on B');
    fake.finishPlayback(b);
    await waitFor(() => plays(b).length === 2, 'menu prompt on B');
    fake.finishPlayback(b);
    await waitFor(async () => promptDone(await stored(b), 'menu'), 'B waiting in the menu, stored');
    fake.sendDtmf(b, '1');
    await waitFor(() => fake.channels.get(b)?.moh !== undefined, 'hold music on B');
    await waitFor(async () => (await stored(b))?.step === 'billing', 'B in the queue, stored');
    const queued = async () => {
      const res = await fetch(`${base()}/api/queues/billing`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return ((await res.json()) as { callers: Array<{ callId: string; waitSeconds: number }> }).callers;
    };
    assert.deepEqual((await queued()).map((c) => c.callId), [b], 'B is in line in the ACD');
    assert.deepEqual([plays(a), plays(b)], [
      ['sound:hotline/welcome', 'sound:hotline/main-menu'],
      ['sound:hotline/welcome', 'sound:hotline/main-menu'],
    ]);

    const [first] = children as [HotlineProcess];
    await first.kill();
    assert.equal(first.child.signalCode, 'SIGKILL');
    await waitFor(() => fake.socketCount() === 0, 'the event socket to drop');
    // Asterisk keeps both channels in Stasis; nothing happens to them while nobody listens.
    assert.deepEqual(fake.liveState().channels.filter((c) => c.id === a || c.id === b).map((c) => c.inStasis), [true, true]);
    const mark = fake.requests.length;
    const since = () => fake.requests.slice(mark);

    await boot();
    await waitFor(() => since().some((r) => r.path === `/channels/${a}/play`), 'A re-prompted');
    await waitFor(() => since().some((r) => r.method === 'POST' && r.path === `/channels/${b}/moh`), 'hold resumed on B');
    const playsAfter = (id: string) => since().filter((r) => r.method === 'POST' && r.path === `/channels/${id}/play`).map((r) => r.query['media']);
    assert.deepEqual(playsAfter(a), ['sound:hotline/main-menu'], 'the menu asks again; the welcome is not replayed');
    assert.deepEqual(playsAfter(b), [], 'a caller in the queue hears no prompt again');
    assert.equal(fake.channels.get(b)?.moh, 'default');
    assert.deepEqual((await queued()).map((c) => c.callId), [b], 'B kept their place in line across the restart');

    fake.sendDtmf(a, '2');
    await waitFor(() => !fake.channels.has(a), 'A hung up by the flow');
    fake.hangup(b, 16);
    const api = async (id: string) => {
      const res = await fetch(`${base()}/api/calls/${id}`, { headers: { authorization: `Bearer ${TOKEN}` } });
      return res.status === 200 ? ((await res.json()) as { state: string; path: string[]; outcome?: string }) : undefined;
    };
    const viewA = await waitFor(async () => {
      const v = await api(a);
      return v?.state === 'ended' ? v : undefined;
    }, 'A ended in the API');
    const viewB = await waitFor(async () => {
      const v = await api(b);
      return v?.state === 'ended' ? v : undefined;
    }, 'B ended in the API');
    assert.deepEqual(viewA.path, ['welcome', 'menu', 'bye']);
    assert.deepEqual(viewB.path, ['welcome', 'menu', 'billing']);
    assert.equal(viewB.outcome, 'caller-hangup');

    const state = fake.liveState();
    const ours = (id: string) => id === a || id === b;
    assert.deepEqual(state.channels.filter((c) => ours(c.id)), []);
    assert.deepEqual(state.bridges, []);
    assert.deepEqual(state.snoops, []);
    assert.deepEqual(state.playbacks, []);
    assert.deepEqual(state.recordings, []);
  });
});
