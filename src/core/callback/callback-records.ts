import type { CallbackRecord, CallbackStore } from '../../ports/callback-store.ts';
import { hotlineError } from '../errors.ts';
import { nextOpening, type BusinessHours } from './slots.ts';

/** Compare-and-set rounds before giving up on a record that keeps changing under us. */
const CAS_ROUNDS = 20;

/**
 * Reads, changes and writes a callback with the store's compare-and-set, re-reading when
 * another writer got there first. `change` returns the new record (version untouched), or
 * undefined to leave it as it is; it may throw to refuse.
 */
export async function mutate(
  store: CallbackStore,
  id: string,
  change: (current: CallbackRecord) => CallbackRecord | undefined,
): Promise<{ record: CallbackRecord; changed: boolean }> {
  for (let round = 0; round < CAS_ROUNDS; round++) {
    const current = await store.get(id);
    if (!current) throw hotlineError('HOTLINE_ERR_NO_SUCH_CALLBACK', `no callback ${id}`, { callbackId: id });
    const next = change(current);
    if (!next) return { record: current, changed: false };
    if (await store.update({ ...next, version: current.version })) return { record: { ...next, version: current.version + 1 }, changed: true };
  }
  throw hotlineError('HOTLINE_ERR_CONFLICT', `callback ${id} kept changing; try again`, { callbackId: id });
}

/** `at` moved to the queue's next open minute; undefined when it never opens (within 5 weeks). */
export function deferToOpening(hours: BusinessHours | undefined, at: number): number | undefined {
  return hours ? nextOpening(hours, at) : at;
}

/** The record without its slot (a rescheduled callback leaves the slot it booked). */
export function withoutSlot(record: CallbackRecord): CallbackRecord {
  const { slot: _slot, ...rest } = record;
  return rest;
}
