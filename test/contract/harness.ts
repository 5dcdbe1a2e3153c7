import type { CallLeg, TelephonyDriver } from '../../src/ports/telephony.ts';

/**
 * What the telephony contract suite needs to drive the far end of a driver: the simulated PBX
 * directly, ARI and ESL through their protocol fakes. One harness per adapter; the same suite
 * (`telephony.contract.ts`) runs over each.
 */
export interface TelephonyHarness {
  /** The driver under test, started, with `onCall` wired to `incoming`. */
  readonly driver: TelephonyDriver;
  /** Far end places a call to `to`; resolves with the leg the driver handed to Hotline. */
  placeInbound(options: { to: string; from: string; callerName?: string }): Promise<CallLeg>;
  /** Far end presses digits (one `call.dtmf` per digit). */
  pressDigits(legId: string, digits: string): Promise<void>;
  /** Far end hangs up. */
  remoteHangup(legId: string): Promise<void>;
  /** Lets the current playback on the leg run to its end (advance sim time, or make the fake finish it). */
  finishPlayback(legId: string): Promise<void>;
  /** Far end of an originated leg answers. */
  answerOutbound?(legId: string): Promise<void>;
  /** Far end of an originated leg refuses (busy). */
  rejectOutbound?(legId: string): Promise<void>;
  /** Resources the PBX still holds for the leg (bridges, snoops, playbacks, recordings): empty after a clean hangup. */
  leftovers(legId: string): Promise<string[]>;
  close(): Promise<void>;
}

/** Builds a fresh harness for one test. */
export type HarnessFactory = () => Promise<TelephonyHarness>;
