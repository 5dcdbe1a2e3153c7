import type { AcdStore, Offer, QueuedCaller } from '../../ports/acd-store.ts';

/**
 * The offer a caller in state `offered` is held for, rebuilt from the store (with the agents'
 * current endpoints) so a node that did not pop it can ring it.
 */
export async function heldOffer(
  store: Pick<AcdStore, 'getAgent'>,
  caller: QueuedCaller & { offerId: string },
  at: { now: number; expiresAt: number; callId?: string; node?: string },
): Promise<Offer> {
  const agents = await Promise.all(caller.agentIds.map((id) => store.getAgent(id)));
  return {
    offerId: caller.offerId,
    callId: at.callId ?? caller.callId,
    queue: caller.queue,
    agentIds: caller.agentIds,
    endpoints: agents.map((a) => a?.endpoint ?? ''),
    node: at.node ?? caller.node,
    at: at.now,
    expiresAt: at.expiresAt,
  };
}
