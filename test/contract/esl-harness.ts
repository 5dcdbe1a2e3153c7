import { createEslDriver, type EslTelephonyDriver } from '../../src/adapters/esl/index.ts';
import type { SpeechSynthesizer } from '../../src/ports/speech.ts';
import type { CallLeg, IncomingCallHandler, IncomingCallInfo } from '../../src/ports/telephony.ts';
import { FakeFreeSwitch } from '../fakes/esl/fake-freeswitch.ts';
import { waitFor } from '../fakes/esl/wait-for.ts';
import type { TelephonyHarness } from './harness.ts';

/** The ESL harness also exposes the fake and what `onCall` received, for ESL-specific tests. */
export interface EslHarness extends TelephonyHarness {
  readonly driver: EslTelephonyDriver;
  readonly fake: FakeFreeSwitch;
  readonly incoming: Array<{ leg: CallLeg; info: IncomingCallInfo }>;
}

/**
 * A started ESL driver wired to a fresh fake FreeSWITCH (random ports on 127.0.0.1). `onCall`
 * also receives every leg the driver hands over (a call service under test); `synthesizer`
 * renders text prompts.
 */
export async function createEslHarness(options: { onCall?: IncomingCallHandler; synthesizer?: SpeechSynthesizer } = {}): Promise<EslHarness> {
  const password = 'harness-secret';
  const fake = new FakeFreeSwitch({ password });
  const port = await fake.listen();
  const driver = createEslDriver({
    host: '127.0.0.1', port, password, listen: '127.0.0.1:0', soundsDir: '/sounds',
    ...(options.synthesizer ? { synthesizer: options.synthesizer } : {}),
  });
  const incoming: Array<{ leg: CallLeg; info: IncomingCallInfo }> = [];
  await driver.start((leg, info) => {
    incoming.push({ leg, info });
    options.onCall?.(leg, info);
  });
  const address = driver.listenAddress;
  if (!address) throw new Error('driver did not bind');
  fake.setHotline(address);

  const channel = (legId: string) => fake.channels.get(legId);
  return {
    driver,
    fake,
    incoming,
    async placeInbound(options) {
      const before = incoming.length;
      const uuid = fake.placeInbound(options);
      const entry = await waitFor(() => incoming.slice(before).find((e) => e.leg.id === uuid), `inbound call ${uuid}`);
      return entry.leg;
    },
    async pressDigits(legId, digits) {
      fake.sendDtmf(legId, digits);
    },
    async remoteHangup(legId) {
      fake.hangup(legId, 'NORMAL_CLEARING');
    },
    async finishPlayback(legId) {
      // A playback may still be on its way (sendmsg +OK comes before it runs); none at all is a no-op.
      await waitFor(() => channel(legId)?.running.some((a) => a.kind === 'media'), `a playback on ${legId}`, 150).catch(() => {});
      fake.finishPlayback(legId);
    },
    async answerOutbound(legId) {
      await waitFor(() => channel(legId)?.originate, `originate of ${legId}`);
      fake.answerOriginated(legId);
    },
    async rejectOutbound(legId) {
      await waitFor(() => channel(legId)?.originate, `originate of ${legId}`);
      fake.rejectOriginated(legId, 'USER_BUSY');
    },
    async leftovers(legId) {
      // Let commands in flight (uuid_break, uuid_record stop) land first.
      await new Promise((resolve) => setTimeout(resolve, 10));
      const ch = channel(legId);
      if (!ch || ch.hungUp) return [];
      return [
        ...ch.running.filter((a) => a.kind !== 'park').map((a) => `${a.name}:${a.arg}`),
        ...ch.queue.map((a) => `queued ${a.name}:${a.arg}`),
        ...[...ch.recordings.keys()].map((p) => `recording:${p}`),
        ...(ch.bridgedWith ? [`bridge:${ch.bridgedWith}`] : []),
        ...(ch.eavesdrop ? [`eavesdrop:${ch.eavesdrop.target}`] : []),
      ];
    },
    async close() {
      await driver.stop();
      await fake.close();
    },
  };
}
