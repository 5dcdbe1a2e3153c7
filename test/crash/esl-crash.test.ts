/**
 * kill -9 on FreeSWITCH: a real Hotline process (`bin/hotline.js serve`) on a real Redis runs a
 * call from the fake FreeSWITCH (ESL) and dies while the call waits in a menu. As the shipped
 * dialplan does (dialplan/freeswitch/dialplan/hotline.xml), the channel stays up, the socket app
 * returns (fixture README behaviour 9) and the channel re-enters `socket`: the new process must
 * resume the call at the menu without replaying the welcome, and finish it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createRedisConnection, RedisSessionStore } from '../../src/adapters/redis/redis-client.ts';
import type { SessionStore } from '../../src/ports/stores.ts';
import { FakeFreeSwitch } from '../fakes/esl/fake-freeswitch.ts';
import { freePort, startHotlineProcess, waitUntil, type HotlineProcess } from '../support/processes.ts';
import { startRedis, type TestRedis } from '../support/redis-server.ts';

const NUMBER = '+18005550199';
const ADMIN_TOKEN = 'crash-test-admin-token-0123456789';
const ESL_PASSWORD = 'crash-test-esl-secret';

/** Welcome, then a menu whose `1` plays one prompt and hangs up: no business hours involved. */
const FLOW = `id: crash-line
name: Crash test line
numbers: ["${NUMBER}"]
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
      "1": thanks
    timeout: 60s
    retries: 1
    on: { noInput: goodbye, noMatch: goodbye }
  thanks:
    type: play
    prompt: please-hold
    on: { done: goodbye }
  goodbye:
    type: hangup
    prompt: goodbye
`;

/** Polls the fake's socket traffic and the store (other processes, not test time). */
const until = <T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 5000) =>
  waitUntil(check, what, { timeoutMs });

describe('crash test on FreeSWITCH (ESL): kill -9 while a call waits in a menu', () => {
  let redis: TestRedis;
  let fake: FakeFreeSwitch;
  let flowsDir: string;
  let env: Record<string, string>;
  let httpPort: number;
  let store: SessionStore & { close(): Promise<void> };
  const nodes: HotlineProcess[] = [];

  const startNode = async (): Promise<HotlineProcess> => {
    const node = startHotlineProcess(env);
    nodes.push(node);
    await node.ready(httpPort);
    return node;
  };

  const api = async (path: string): Promise<{ status: number; body: Record<string, unknown> }> => {
    const res = await fetch(`http://127.0.0.1:${httpPort}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  /** `playback` executes Hotline sent for the call whose file is `<sound>.wav`. */
  const playbacks = (uuid: string, sound: string) =>
    fake.commands.filter((c) => c.channel === uuid && c.command === 'sendmsg' && c.headers['execute-app-name'] === 'playback' && c.headers['execute-app-arg']?.endsWith(`/${sound}.wav`));

  /** Waits until the call's innermost running playback is `<sound>.wav`, then lets it end. */
  const finish = async (uuid: string, sound: string): Promise<void> => {
    await until(() => fake.channels.get(uuid)?.running.at(-1)?.arg.endsWith(`/${sound}.wav`), `${sound} to play`);
    assert.ok(fake.finishPlayback(uuid));
  };

  before(async () => {
    redis = await startRedis();
    fake = new FakeFreeSwitch({ password: ESL_PASSWORD });
    const eslPort = await fake.listen();
    const listenPort = await freePort();
    httpPort = await freePort();
    fake.setHotline({ host: '127.0.0.1', port: listenPort });
    flowsDir = mkdtempSync(join(tmpdir(), 'hotline-crash-'));
    writeFileSync(join(flowsDir, 'crash-line.yaml'), FLOW);
    env = {
      PBX: 'esl',
      ESL_HOST: '127.0.0.1',
      ESL_PORT: String(eslPort),
      ESL_PASSWORD,
      ESL_LISTEN: `127.0.0.1:${listenPort}`,
      REDIS_URL: redis.url,
      PORT: String(httpPort),
      HOST: '127.0.0.1',
      HOTLINE_ADMIN_TOKEN: ADMIN_TOKEN,
      FLOWS_DIR: flowsDir,
      DEFAULT_FLOW: 'crash-line',
      LOG_LEVEL: 'warn',
    };
    store = new RedisSessionStore(await createRedisConnection(redis.url));
  });

  after(async () => {
    for (const node of nodes) await node.kill();
    await store?.close().catch(() => {});
    await fake?.close();
    await redis?.stop();
    if (flowsDir) rmSync(flowsDir, { recursive: true, force: true });
  });

  it('resumes the call at the menu in a new process, without replaying the welcome', async () => {
    const first = await startNode();
    const uuid = fake.placeInbound({ to: NUMBER, from: '+15551230001' });
    await finish(uuid, 'welcome');
    await finish(uuid, 'main-menu');
    // The record a crash leaves: the menu's prompt finished, the call waiting for a key.
    await until(async () => {
      const record = await store.get(uuid);
      return record?.step === 'menu' && record.prompts.some((p) => p.step === 'menu' && p.state === 'finished');
    }, 'the menu to wait for a key in Redis');

    await first.kill();
    // FreeSWITCH notices the dead socket: the socket app returns with the call still up.
    const ch = await until(() => {
      const c = fake.channels.get(uuid);
      return c && c.socketReturns === 1 ? c : undefined;
    }, 'the socket app to return');
    assert.equal(ch.hungUp, false);
    assert.equal(ch.socket, undefined);

    await startNode();
    // The dialplan's second attempt: `set hotline_attempt=2`, `socket` again.
    fake.reenterSocket(uuid, { hotline_attempt: '2' });
    await finish(uuid, 'main-menu');
    assert.equal(playbacks(uuid, 'main-menu').length, 2, 'the menu prompt is played again');
    assert.equal(playbacks(uuid, 'welcome').length, 1, 'the welcome is not replayed');

    fake.sendDtmf(uuid, '1');
    await until(() => fake.channels.get(uuid)?.running.at(-1)?.arg.endsWith('/please-hold.wav'), 'the step after the menu to play');
    fake.hangup(uuid, 'NORMAL_CLEARING');

    const view = await until(async () => {
      const res = await api(`/api/calls/${uuid}`);
      return res.status === 200 && res.body['state'] === 'ended' ? res.body : undefined;
    }, 'the call to end');
    assert.deepEqual((view['path'] as string[]).slice(0, 3), ['welcome', 'menu', 'thanks']);
    assert.equal(view['state'], 'ended');
    assert.equal(playbacks(uuid, 'welcome').length, 1);
    assert.equal(playbacks(uuid, 'please-hold').length, 1);

    // Nothing of the call is left on the PBX.
    assert.deepEqual(fake.liveState().filter((c) => c.uuid === uuid), []);
    const gone = fake.channels.get(uuid)!;
    assert.equal(gone.hungUp, true);
    assert.deepEqual([gone.running.length, gone.queue.length, gone.recordings.size], [0, 0, 0]);
    assert.deepEqual(fake.errors, []);
  });
});
