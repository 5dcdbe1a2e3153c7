import { SimTelephonyDriver } from '../../../src/adapters/sim/sim-driver.ts';
import { MemorySoundLibrary } from '../../../src/adapters/memory/memory-sound-library.ts';
import type { CallLeg, IncomingCallInfo } from '../../../src/ports/telephony.ts';
import type { SoundLibrary } from '../../../src/ports/sounds.ts';

export const T0 = Date.parse('2026-11-23T14:00:00Z');

/** A started sim driver with a few sounds, recording what it handed to `onCall`. */
export async function startedDriver(sounds: SoundLibrary = new MemorySoundLibrary({ welcome: 2000, beep: 250, 'menus/main': 4000 })) {
  const driver = new SimTelephonyDriver({ sounds, now: () => T0 });
  const calls: Array<{ leg: CallLeg; info: IncomingCallInfo }> = [];
  await driver.start((leg, info) => calls.push({ leg, info }));
  return { driver, calls };
}
