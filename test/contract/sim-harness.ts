import { SimTelephonyDriver } from '../../src/adapters/sim/sim-driver.ts';
import { MemorySoundLibrary } from '../../src/adapters/memory/memory-sound-library.ts';
import type { CallLeg } from '../../src/ports/telephony.ts';
import type { TelephonyHarness } from './harness.ts';

/**
 * The telephony harness for the simulated PBX: the far end is the {@link SimLeg} itself, and
 * "let the playback finish" is advancing the leg's clock to the playback's end.
 */
export async function createSimHarness(): Promise<TelephonyHarness & { driver: SimTelephonyDriver }> {
  const driver = new SimTelephonyDriver({
    sounds: new MemorySoundLibrary({ welcome: 3000, goodbye: 1200 }),
    now: () => Date.parse('2026-11-23T14:00:00Z'),
  });
  const handed = new Map<string, CallLeg>();
  await driver.start((leg) => handed.set(leg.id, leg));

  const leg = (legId: string) => {
    const found = driver.findLeg(legId);
    if (!found) throw new Error(`sim harness: no leg ${legId}`);
    return found;
  };

  return {
    driver,
    placeInbound: async (options) => {
      const placed = driver.placeCall(options);
      const given = handed.get(placed.id);
      if (!given) throw new Error('the sim driver did not hand the call to onCall');
      return given;
    },
    pressDigits: (legId, digits) => leg(legId).pressDigits(digits),
    remoteHangup: (legId) => leg(legId).remoteHangup(),
    finishPlayback: (legId) => leg(legId).finishPlayback(),
    answerOutbound: (legId) => leg(legId).remoteAnswer(),
    rejectOutbound: (legId) => leg(legId).remoteReject(),
    leftovers: async (legId) => driver.resourcesOf(legId),
    close: async () => {
      await driver.stop();
      driver.dispose();
    },
  };
}
