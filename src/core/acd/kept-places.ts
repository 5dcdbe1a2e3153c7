import type { AcdStore, Offer, QueuedCaller } from '../../ports/acd-store.ts';
import type { Logger } from '../../ports/logger.ts';
import type { AcdEvent } from './acd-api.ts';
import type { CallbackConnector } from './callback-connect.ts';
import { heldOffer } from './held-offer.ts';
import type { QueueDefinition } from './queue-definition.ts';

/** Node of callback entries (kept places): their offers are mailed to this shared inbox, which every node's sweep drains. */
export const CALLBACK_INBOX = 'callback-inbox';
/** How long an agent offered a callback entry is held while the customer is dialled. */
export const CALLBACK_HOLD_MS = 120_000;

/** What the ACD tells callbacks: a kept place reached the front (an agent is held for it). */
export interface CallbackTurns {
  /** Resolves with the callback as it is now (`state`, `dueAt`): the ACD holds the agent only while it is being dialled. */
  due(callbackId: string): Promise<unknown>;
}

/** What kept places use of the ACD service. */
export interface KeptPlacesHost {
  store: AcdStore;
  logger: Logger;
  node: string;
  connector: CallbackConnector;
  queue(name: string): QueueDefinition;
  now(): number;
  publish(event: AcdEvent): void;
  route(queue: string): Promise<void>;
  /** Remembers (or forgets) the queue of a caller driven by this node. */
  track(callId: string, queue: string | undefined): void;
  leave(callId: string, reason: 'left'): Promise<void>;
  /** Rings the agents of an offer for a caller driven by this node. */
  startOffer(offer: Offer): Promise<void>;
}

/**
 * Kept places: a waiting caller's ACD entry that became a callback's virtual entry (node
 * {@link CALLBACK_INBOX}). It keeps its place and priority and other callers count it; when it
 * reaches the front the agent offered is held and the callback is told to dial; the callback's
 * own call then takes the place over, with the held agent.
 */
export class KeptPlaces {
  readonly #host: KeptPlacesHost;

  constructor(host: KeptPlacesHost) {
    this.#host = host;
  }

  /** The caller's entry becomes callback entry `entryId`; a replay finds it converted already. Undefined when not in line. */
  async keep(callId: string, entryId: string): Promise<QueuedCaller | undefined> {
    const { store, logger } = this.#host;
    const renamed = await store.renameCaller(callId, entryId, CALLBACK_INBOX, { callback: entryId });
    if (!renamed) return (await store.getCaller(entryId)) ?? undefined;
    this.#host.track(callId, undefined);
    logger.info({ callId, entryId, queue: renamed.queue }, 'caller place kept for a callback');
    return renamed;
  }

  /** A kept place reached the front (its offer came to the inbox): hold the agent while the customer is dialled. */
  async turn(offer: Offer, callbacks: CallbackTurns | undefined): Promise<void> {
    const { store, logger } = this.#host;
    const caller = await store.getCaller(offer.callId);
    const callbackId = caller?.data?.callback;
    if (!caller || !callbackId || !callbacks) {
      logger.warn({ entryId: offer.callId, offerId: offer.offerId }, 'offer for a callback entry nobody handles; releasing it');
      await this.#host.leave(offer.callId, 'left');
      return;
    }
    if (this.#host.connector.takeTurn(offer)) return; // an agent-first attempt here waits for this place's agent
    const now = this.#host.now();
    await store.extendOffer(offer.offerId, now + CALLBACK_HOLD_MS);
    for (const agentId of offer.agentIds) this.#host.publish({ type: 'agent.state', agentId, state: 'offered', at: now });
    logger.info({ entryId: offer.callId, callbackId, agentIds: offer.agentIds, queue: offer.queue }, 'kept place reached the front; calling the customer');
    const due = (await callbacks.due(callbackId).catch((err: unknown) => {
      logger.warn({ err: String(err), callbackId }, 'callback turn failed');
      return undefined;
    })) as { state?: unknown; dueAt?: unknown } | undefined;
    // Hold the agent only for a customer being dialled now: a callback cancelled or expired
    // meanwhile, or one deferred to the queue's opening, frees the agent and leaves the line
    // (a deferred one re-joins at its original place when the customer answers at opening).
    const dialling = due?.state === 'dialing' || (due?.state === 'scheduled' && typeof due.dueAt === 'number' && due.dueAt <= this.#host.now());
    if (!dialling) {
      logger.info({ entryId: offer.callId, callbackId, state: due?.state }, 'kept place not dialled now; releasing its agent');
      await this.#host.leave(offer.callId, 'left');
    }
  }

  /**
   * A callback's own call joining its queue takes over the kept place (`vars.callback.entry`):
   * place, priority and any agent held for it; the held agents are rung now. False when there
   * is no such place (the call joins as any caller).
   */
  async takeOver(callId: string, queue: string, vars: Record<string, unknown>): Promise<boolean> {
    const { store, logger, node } = this.#host;
    const cb = vars.callback as { entry?: unknown } | undefined;
    const entry = typeof cb?.entry === 'string' ? cb.entry : undefined;
    if (!entry) return false;
    const existing = await store.getCaller(entry);
    if (!existing || existing.queue !== queue) return false;
    const caller = await store.renameCaller(entry, callId, node);
    if (!caller) return false;
    this.#host.track(callId, caller.queue);
    const now = this.#host.now();
    logger.info({ callId, entryId: entry, queue, state: caller.state }, 'callback call took over its kept place');
    this.#host.publish({ type: 'queue.joined', callId, queue, priority: caller.priority, at: now });
    if (caller.state === 'offered' && caller.offerId) {
      const expiresAt = now + this.#host.queue(queue).ringTimeoutMs;
      await this.#host.startOffer(await heldOffer(store, { ...caller, offerId: caller.offerId }, { now, expiresAt, callId, node }));
    } else {
      await this.#host.route(queue);
    }
    return true;
  }
}

/** `vars.callback` of a callback's own call joining the callback's queue: its priority and original place. */
export function callbackEntry(vars: Record<string, unknown>, queue: string): { priority?: number; enqueuedAt?: number } | undefined {
  const cb = vars.callback as { queue?: unknown; priority?: unknown; enqueuedAt?: unknown } | undefined;
  if (!cb || cb.queue !== queue) return undefined;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const priority = num(cb.priority);
  const enqueuedAt = num(cb.enqueuedAt);
  return { ...(priority !== undefined ? { priority } : {}), ...(enqueuedAt !== undefined ? { enqueuedAt } : {}) };
}
