import type { AuditLog } from '../../ports/audit.ts';
import type { Logger } from '../../ports/logger.ts';
import type { RecordingMedia, RecordingStore } from '../../ports/recordings.ts';

/** Recordings deleted per store query; a sweep keeps asking until a batch comes back short. */
const BATCH = 100;

/**
 * Deletes recordings that ended more than `retentionMs` before `now`: audio first (so metadata
 * never outlives a file nobody can find), then metadata, each audited as `recording.expired` by
 * the actor `retention`. A recording whose audio cannot be deleted keeps its metadata and is
 * tried again by the next sweep. Returns the ids deleted.
 */
export async function sweepExpired(
  deps: { store: RecordingStore; media?: RecordingMedia | undefined; audit?: AuditLog | undefined; logger: Logger },
  now: number,
  retentionMs: number,
): Promise<string[]> {
  const deleted: string[] = [];
  const skipped = new Set<string>();
  for (;;) {
    const ids = (await deps.store.expired(now - retentionMs, BATCH + skipped.size)).filter((id) => !skipped.has(id));
    if (ids.length === 0) break;
    for (const id of ids) {
      const meta = await deps.store.get(id);
      try {
        await deps.media?.delete(id);
      } catch (err) {
        skipped.add(id);
        deps.logger.warn({ recordingId: id, err: err instanceof Error ? err.message : String(err) }, 'expired recording audio could not be deleted');
        continue;
      }
      await deps.store.delete(id);
      deleted.push(id);
      await deps.audit?.append({
        at: now,
        actor: 'retention',
        role: 'admin',
        action: 'recording.expired',
        recordingId: id,
        ...(meta?.callId !== undefined ? { callId: meta.callId } : {}),
        ...(meta?.queue !== undefined ? { queue: meta.queue } : {}),
        details: { retentionMs, ...(meta?.endedAt !== undefined ? { endedAt: meta.endedAt } : {}) },
      });
    }
    if (ids.length < BATCH) break;
  }
  if (deleted.length) deps.logger.info({ count: deleted.length }, 'expired recordings deleted');
  return deleted;
}
