import { AriTelephonyDriver, type AriDriverOptions } from '../../src/adapters/ari/ari-driver.ts';
import type { CallLeg } from '../../src/ports/telephony.ts';
import { FakeAriServer } from '../fakes/ari/fake-ari-server.ts';
import type { TelephonyHarness } from './harness.ts';

const WAIT_MS = 2000;

/** Waits (on I/O turns, never a fixed sleep) until `check` holds. */
export async function until(check: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`ari harness: timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * The telephony harness for Asterisk: the real {@link AriTelephonyDriver} talking HTTP and
 * WebSocket to the {@link FakeAriServer}. Far-end actions go to the fake, then wait until the
 * driver has received every event the fake sent, so assertions see their effect.
 */
export async function createAriHarness(extra: Partial<AriDriverOptions> = {}): Promise<
  TelephonyHarness & { driver: AriTelephonyDriver; fake: FakeAriServer; handed: Map<string, CallLeg> }
> {
  const fake = await new FakeAriServer({ username: 'hotline', password: 'ari-secret' }).start();
  const driver = new AriTelephonyDriver({ url: fake.url, username: 'hotline', password: 'ari-secret', app: 'hotline', ...extra });
  const handed = new Map<string, CallLeg>();
  await driver.start((leg) => handed.set(leg.id, leg));
  const drained = () => until(() => driver.eventsReceived >= fake.sentCount(), 'events to reach the driver');

  return {
    driver,
    fake,
    handed,
    placeInbound: async (options) => {
      const id = fake.placeInbound(options);
      await until(() => handed.has(id), `call ${id} to be handed over`);
      return handed.get(id) as CallLeg;
    },
    pressDigits: async (legId, digits) => {
      for (const digit of digits) fake.sendDtmf(legId, digit, 100);
      await drained();
    },
    remoteHangup: async (legId) => {
      fake.hangup(legId, 16);
      await drained();
    },
    finishPlayback: async (legId) => {
      fake.finishPlayback(legId);
      await drained();
    },
    answerOutbound: async (legId) => {
      await until(() => fake.channels.has(legId), `originated channel ${legId}`);
      fake.answerOriginated(legId);
      await drained();
    },
    rejectOutbound: async (legId) => {
      await until(() => fake.channels.has(legId), `originated channel ${legId}`);
      fake.rejectOriginated(legId, 17);
      await drained();
    },
    leftovers: async (legId) => {
      await drained();
      return ariLeftovers(fake, legId);
    },
    close: async () => {
      await driver.stop();
      await fake.close();
    },
  };
}

/** What the fake Asterisk still holds for a channel: the channel, its playbacks, recordings, snoops and bridges. */
export function ariLeftovers(fake: FakeAriServer, legId: string): string[] {
  const state = fake.liveState();
  return [
    ...state.channels.filter((c) => c.id === legId).map((c) => `channel:${c.id}`),
    ...state.playbacks.filter((p) => p.target_uri === `channel:${legId}`).map((p) => `playback:${p.id}`),
    ...state.recordings.filter((r) => r.target_uri === `channel:${legId}`).map((r) => `recording:${r.name}`),
    ...state.snoops.filter((s) => s.of === legId).map((s) => `snoop:${s.id}`),
    ...state.bridges.filter((b) => b.channels.includes(legId)).map((b) => `bridge:${b.id}`),
  ];
}
