import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/adapters/clock/manual-clock.ts';
import { AriClient } from '../../../src/adapters/ari/ari-client.ts';
import { AriTelephonyDriver } from '../../../src/adapters/ari/ari-driver.ts';
import { backoffDelay } from '../../../src/adapters/ari/ari-events.ts';
import { redactUrl } from '../../../src/adapters/ari/ari-url.ts';
import { isHotlineError } from '../../../src/core/errors.ts';
import type { Logger } from '../../../src/ports/logger.ts';
import type { CallLeg, IncomingCallInfo, LegEvent } from '../../../src/ports/telephony.ts';
import { until } from '../../contract/ari-harness.ts';
import { FakeAriServer } from '../../fakes/ari/fake-ari-server.ts';

const PASSWORD = 'Pa55-w0rd-Xyzzy';

/** A pino-like logger writing JSON lines into an array (child bindings merged in). */
function capturingLogger(lines: string[], bindings: Record<string, unknown> = {}): Logger {
  const write = (level: string) => (obj: object | string, msg?: string) => {
    const fields = typeof obj === 'string' ? { msg: obj } : { ...obj, ...(msg ? { msg } : {}) };
    lines.push(JSON.stringify({ level, ...bindings, ...fields }));
  };
  return {
    child: (more) => capturingLogger(lines, { ...bindings, ...more }),
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
  };
}

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

async function setup(options: { clock?: ManualClock; random?: () => number; logs?: string[]; password?: string } = {}) {
  const fake = await new FakeAriServer({ username: 'hotline', password: PASSWORD }).start();
  const driver = new AriTelephonyDriver({
    url: fake.url,
    username: 'hotline',
    password: options.password ?? PASSWORD,
    app: 'hotline',
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.random ? { random: options.random } : {}),
    ...(options.logs ? { logger: capturingLogger(options.logs) } : {}),
  });
  const incoming: { leg: CallLeg; info: IncomingCallInfo }[] = [];
  cleanup.push(async () => {
    await driver.stop();
    await fake.close();
  });
  return { fake, driver, incoming, onCall: (leg: CallLeg, info: IncomingCallInfo) => incoming.push({ leg, info }) };
}

describe('ARI reconnect with exponential backoff and full jitter', () => {
  it('computes random() * min(cap, base * 2^attempt)', () => {
    assert.equal(backoffDelay(0, 500, 30_000, () => 0.5), 250);
    assert.equal(backoffDelay(3, 500, 30_000, () => 0.5), 2000);
    assert.equal(backoffDelay(50, 500, 30_000, () => 0.999), 29_970);
    assert.equal(backoffDelay(4, 500, 30_000, () => 0), 0);
  });

  it('is not ready while disconnected and retries forever on the injected clock', async () => {
    const clock = new ManualClock(0);
    const { fake, driver, onCall } = await setup({ clock, random: () => 0.5 });
    await driver.start(onCall);
    assert.equal(driver.isReady(), true);
    fake.refuseUpgrades(2);
    fake.dropWebSocket();
    await until(() => !driver.isReady() && clock.pendingCount() === 1, 'the drop to be noticed');
    assert.equal(clock.nextDueAt(), 250); // attempt 0: 0.5 * 500
    await clock.advance(250);
    await until(() => clock.pendingCount() === 1 && clock.nextDueAt() === 250 + 500, 'second retry (refused)');
    await clock.advance(500);
    await until(() => clock.pendingCount() === 1 && clock.nextDueAt() === 750 + 1000, 'third retry (refused)');
    assert.equal(driver.isReady(), false);
    await clock.advance(1000);
    await until(() => driver.isReady(), 'reconnection');
    assert.equal(fake.socketCount(), 1);
  });
});

describe('ARI recovery', () => {
  it('after a reconnect: vanished legs hang up, calls still in the app are re-announced with recovered: true', async () => {
    const clock = new ManualClock(0);
    const { fake, driver, incoming, onCall } = await setup({ clock, random: () => 0 });
    await driver.start(onCall);
    const staysId = fake.placeInbound({ to: '100', from: '1001' });
    const goesId = fake.placeInbound({ to: '100', from: '1002' });
    await until(() => incoming.length === 2, 'two calls');
    const goes = incoming.find((i) => i.leg.id === goesId)!.leg;
    const goesEvents: LegEvent[] = [];
    goes.subscribe((e) => goesEvents.push(e));

    fake.dropWebSocket();
    await until(() => !driver.isReady() && clock.pendingCount() === 1, 'disconnect');
    fake.hangup(goesId, 16); // missed: nobody is listening
    const arrivedId = fake.placeInbound({ to: '200', from: '1003', app: 'hotline' }); // StasisStart missed too
    await clock.advance(0);
    await until(() => incoming.length === 4, 'recovery announcements');

    assert.deepEqual(goesEvents, [{ type: 'call.hangup', cause: 'normal', by: 'remote' }]);
    assert.equal(driver.getLeg(goesId), undefined);
    const recovered = incoming.slice(2);
    assert.deepEqual(recovered.map((i) => [i.leg.id, i.info.recovered]).sort(), [[arrivedId, true], [staysId, true]].sort());
    assert.equal(recovered.find((i) => i.leg.id === staysId)!.leg, incoming[0]!.leg, 'the same leg object is re-attached');
    assert.equal(recovered.find((i) => i.leg.id === arrivedId)!.leg.to, '200');
  });

  it('at start: re-attaches channels already in the app and removes orphaned hotline- bridges and snoops', async () => {
    const { fake, driver, incoming, onCall } = await setup();
    const admin = new AriClient({ url: fake.url, username: 'hotline', password: PASSWORD });
    const callId = fake.placeInbound({ to: '100', from: '1001', app: 'hotline' });
    await admin.createBridge('hotline-stale', 'hotline-call');
    await admin.createBridge('hotline-live', 'hotline-call');
    await admin.addChannel('hotline-live', callId);
    await admin.createBridge('someone-else', 'theirs');
    await admin.snoop(callId, 'hotline-snoop-old-1', { spy: 'both', whisper: 'none', app: 'hotline' });

    await driver.start(onCall);
    await until(() => driver.eventsReceived >= fake.sentCount() && fake.liveState().snoops.length === 0, 'cleanup');
    assert.deepEqual(incoming.map((i) => [i.leg.id, i.info.recovered]), [[callId, true]]);
    assert.deepEqual(fake.liveState().bridges.map((b) => b.id).sort(), ['hotline-live', 'someone-else']);
    assert.equal(incoming[0]!.leg.from, '1001');
  });
});

describe('ARI credentials stay out of logs and errors', () => {
  it('redacts api_key from URLs', () => {
    assert.equal(
      redactUrl(`ws://127.0.0.1:8088/ari/events?app=h&api_key=hotline:${PASSWORD}&subscribeAll=false`),
      'ws://127.0.0.1:8088/ari/events?app=h&api_key=[redacted]&subscribeAll=false',
    );
  });

  it('a wrong password fails start with PBX_UNAVAILABLE; no log line or error carries a credential', async () => {
    const logs: string[] = [];
    const { driver, onCall } = await setup({ logs, password: `wrong-${PASSWORD}` });
    const err = await driver.start(onCall).then(() => undefined, (e: unknown) => e);
    assert.ok(isHotlineError(err, 'HOTLINE_ERR_PBX_UNAVAILABLE'));
    assert.match((err as Error).message, /authentication failed/);
    assert.ok(!JSON.stringify({ m: (err as Error).message, d: (err as { details?: unknown }).details }).includes(PASSWORD));
    assert.ok(logs.length > 0);
    for (const line of logs) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      assert.ok(!line.includes(PASSWORD), `log line leaks the password: ${line}`);
      assert.ok(!line.includes('api_key=hotline'), `log line leaks the api key: ${line}`);
      assert.equal(typeof parsed['level'], 'string');
    }
  });

  it('connects, drops and reconnects without logging the password', async () => {
    const logs: string[] = [];
    const clock = new ManualClock(0);
    const { fake, driver, onCall } = await setup({ logs, clock, random: () => 0 });
    await driver.start(onCall);
    fake.dropWebSocket();
    await until(() => clock.pendingCount() === 1, 'retry scheduled');
    await clock.advance(0);
    await until(() => driver.isReady(), 'reconnected');
    const leg = await new AriClient({ url: 'http://127.0.0.1:9', username: 'hotline', password: PASSWORD, logger: capturingLogger(logs) })
      .listChannels()
      .catch((e: unknown) => e);
    assert.ok(isHotlineError(leg, 'HOTLINE_ERR_PBX_UNAVAILABLE'));
    assert.ok(logs.some((l) => l.includes('ARI events connected')));
    assert.ok(logs.some((l) => l.includes('[redacted]')));
    for (const line of logs) assert.ok(!line.includes(PASSWORD), `log line leaks the password: ${line}`);
  });
});
