import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { AriTelephonyDriver } from '../../src/adapters/ari/ari-driver.ts';
import { createApp, type HotlineApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { silentLogger } from '../../src/ports/logger.ts';
import { FakeAriServer } from '../fakes/ari/fake-ari-server.ts';
import { makeWorkspace } from './fixtures.ts';

/** Polls an HTTP condition with a deadline (the driver reconnects on real timers, 10 ms base). */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('GET /ready on ARI', () => {
  let fake: FakeAriServer;
  let app: HotlineApp;
  let base: string;
  let dir: string;

  before(async () => {
    fake = await new FakeAriServer({ username: 'hotline', password: 'ready-secret' }).start();
    const ws = makeWorkspace();
    dir = ws.dir;
    const config = loadConfig({
      env: {
        PBX: 'ari', ARI_URL: fake.url, ARI_USERNAME: 'hotline', ARI_PASSWORD: 'ready-secret', ARI_APP: 'hotline',
        FLOWS_DIR: ws.flowsDir, SOUNDS_DIR: ws.soundsDir, HOTLINE_ADMIN_TOKEN: 'ready-test-token-0123456',
      },
    });
    // The ARI driver the config describes, with a short reconnect backoff so the test is quick.
    const driver = new AriTelephonyDriver({ url: fake.url, username: 'hotline', password: 'ready-secret', app: 'hotline', backoffBaseMs: 10, backoffCapMs: 50 });
    app = await createApp(config, { driver, logger: silentLogger });
    const { port } = await app.listen({ port: 0 });
    base = `http://127.0.0.1:${port}`;
  });
  after(async () => {
    await app?.close();
    await fake?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const ready = async () => {
    const res = await fetch(`${base}/ready`);
    return { status: res.status, body: (await res.json()) as Record<string, boolean> };
  };

  it('is 503 while Asterisk refuses the event WebSocket, and 200 again once it accepts it', async () => {
    assert.deepEqual(await ready(), { status: 200, body: { ready: true, pbx: true, store: true } });
    fake.refuseUpgrades(1_000_000);
    fake.dropWebSocket();
    await eventually(async () => (await ready()).status === 503, 'not ready');
    assert.deepEqual(await ready(), { status: 503, body: { ready: false, pbx: false, store: true } });
    assert.equal(fake.socketCount(), 0);
    fake.refuseUpgrades(0);
    await eventually(async () => (await ready()).status === 200, 'ready again');
    assert.equal(fake.socketCount(), 1);
  });
});
