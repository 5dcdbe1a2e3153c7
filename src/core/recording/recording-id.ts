import type { RecordingTarget } from '../../ports/recordings.ts';

/** Characters a PBX accepts in a recording name (ARI recording names, FreeSWITCH file names). */
const UNSAFE = /[^A-Za-z0-9_.-]/g;

/**
 * The id (and PBX name) of the `n`th recording of `target` on a call: `rec-<callId>-<target>-<n>`,
 * only `[A-Za-z0-9_.-]` and at most 80 characters, so caller-influenced call ids never reach a
 * PBX command or a file path raw.
 *
 * @example recordingId('1700000000.42', 'call', 1) // 'rec-1700000000.42-call-1'
 */
export function recordingId(callId: string, target: RecordingTarget, n: number): string {
  return `rec-${callId.replace(UNSAFE, '_').slice(0, 40)}-${target}-${n}`.slice(0, 80);
}
