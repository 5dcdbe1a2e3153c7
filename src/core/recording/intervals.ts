import type { RecordingInterval } from '../../ports/recordings.ts';

/** True when the last interval is still open. */
export function isOpen(intervals: readonly RecordingInterval[]): boolean {
  const last = intervals.at(-1);
  return last !== undefined && last.to === undefined;
}

/**
 * Opens an interval at `at`. An interval that closed at this very instant is reopened instead,
 * so moving from one sensitive step straight into another leaves one interval, not two.
 */
export function openInterval(intervals: RecordingInterval[], at: number): void {
  const last = intervals.at(-1);
  if (last && last.to === undefined) return;
  if (last && last.to === at) {
    delete last.to;
    return;
  }
  intervals.push({ from: at });
}

/** Closes the open interval, if any, at `at`. */
export function closeInterval(intervals: RecordingInterval[], at: number): void {
  const last = intervals.at(-1);
  if (last && last.to === undefined) last.to = Math.max(at, last.from);
}
