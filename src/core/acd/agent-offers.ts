import type { Offer } from '../../ports/acd-store.ts';
import type { Logger } from '../../ports/logger.ts';
import type { Bridge, CallLeg, HangupCause, TelephonyDriver } from '../../ports/telephony.ts';
import { isHotlineError } from '../errors.ts';

/** What happened to one agent's leg of an offer. */
export type AgentLegOutcome =
  | { type: 'answered' }
  | { type: 'failed'; reason: 'missed' | 'rejected' | 'failed' }
  /** The agent's leg ended after the call was connected. */
  | { type: 'ended' };

/** A caller connected to an agent on this node. */
export interface Connection {
  callId: string;
  queue: string;
  offerId: string;
  agentId: string;
  /** The leg talking to the caller: the agent's, or a supervisor's after a takeover. */
  leg: CallLeg;
  bridge?: Bridge;
  /** Set once a supervisor took the call over: the agent's leg that was released. */
  takenOver?: { agentLegId: string; at: number };
}

/** Only these reach a PBX as the caller ID shown to the agent. */
const PRESENTABLE_NUMBER = /^\+?[0-9]{1,20}$/;

/**
 * The agent legs of this node: rings agents for offers, reports what each leg did, bridges the
 * winner to the caller and hangs up whatever is withdrawn. Holds only live PBX objects; every
 * decision is the store's.
 */
export class AgentLegs {
  readonly #driver: TelephonyDriver;
  readonly #logger: Logger;
  /** offerId → agentId → ringing leg. */
  readonly #ringing = new Map<string, Map<string, CallLeg>>();
  readonly #connections = new Map<string, Connection>();
  /** Legs Hotline hung up itself: their hang-up is not the agent missing the call. */
  readonly #withdrawn = new WeakSet<CallLeg>();

  constructor(driver: TelephonyDriver, logger: Logger) {
    this.#driver = driver;
    this.#logger = logger;
  }

  /**
   * Rings one agent of an offer. `onOutcome` runs once for the ring (answered or failed), and
   * once more (`ended`) if the leg ends after being connected.
   */
  async ring(
    offer: Offer,
    agentId: string,
    endpoint: string,
    options: { from: string; callerName?: string; timeoutMs: number },
    onOutcome: (outcome: AgentLegOutcome, leg: CallLeg | undefined) => void,
  ): Promise<void> {
    const originate = this.#driver.originate?.bind(this.#driver);
    if (!originate) {
      onOutcome({ type: 'failed', reason: 'failed' }, undefined);
      return;
    }
    let leg: CallLeg;
    try {
      leg = await originate({
        to: endpoint,
        ...(PRESENTABLE_NUMBER.test(options.from) ? { from: options.from } : {}),
        timeoutMs: options.timeoutMs,
        purpose: 'agent',
        variables: { hotline_call_id: offer.callId, hotline_offer_id: offer.offerId, hotline_agent_id: agentId },
      });
    } catch (err) {
      this.#logger.warn({ agentId, offerId: offer.offerId, err: isHotlineError(err) ? err.code : String(err) }, 'agent originate failed');
      onOutcome({ type: 'failed', reason: 'failed' }, undefined);
      return;
    }
    const legs = this.#ringing.get(offer.offerId) ?? new Map<string, CallLeg>();
    legs.set(agentId, leg);
    this.#ringing.set(offer.offerId, legs);
    let answered = false;
    const unsubscribe = leg.subscribe((event) => {
      if (event.type === 'call.answered' && !answered) {
        answered = true;
        this.#forget(offer.offerId, agentId);
        onOutcome({ type: 'answered' }, leg);
      } else if (event.type === 'call.hangup') {
        unsubscribe();
        if (answered) {
          const connection = this.#connections.get(offer.callId);
          // After a takeover the bridge is the supervisor's conversation now: leave it up.
          if (connection?.leg === leg) {
            this.#connections.delete(offer.callId);
            void connection.bridge?.destroy().catch(() => {});
          }
          if (!this.#withdrawn.has(leg)) onOutcome({ type: 'ended' }, leg);
          return;
        }
        this.#forget(offer.offerId, agentId);
        if (!this.#withdrawn.has(leg)) onOutcome({ type: 'failed', reason: missReason(event.cause) }, leg);
      }
    });
  }

  /** Hangs up the ringing legs of an offer (all, or those of `agentIds`), not counting them as missed. */
  withdraw(offerId: string, agentIds?: readonly string[]): void {
    const legs = this.#ringing.get(offerId);
    if (!legs) return;
    for (const [agentId, leg] of legs) {
      if (agentIds && !agentIds.includes(agentId)) continue;
      this.#hangup(leg);
      legs.delete(agentId);
    }
    if (legs.size === 0) this.#ringing.delete(offerId);
  }

  /** Hangs up an answered leg that lost the race (the caller left, another agent won). */
  release(leg: CallLeg): void {
    this.#hangup(leg);
  }

  /** Remembers the agent leg connected to a caller. */
  connected(connection: Connection): void {
    this.#connections.set(connection.callId, connection);
  }

  connection(callId: string): Connection | undefined {
    return this.#connections.get(callId);
  }

  /** Connections of this node (for live views). */
  connections(): Connection[] {
    return [...this.#connections.values()];
  }

  /**
   * A supervisor takes the call over: the connection now points at `leg`, and the agent's leg
   * is marked as released by Hotline (its hang-up is not the call ending). `onEnded` runs once
   * when the supervisor's leg hangs up by itself. The agent's leg is hung up by
   * {@link AgentLegs.releaseAgent}, after the PBX moved the audio. Returns the agent's leg, or
   * undefined when the caller is not connected here.
   */
  takeover(callId: string, leg: CallLeg, at: number, onEnded: () => void): CallLeg | undefined {
    const connection = this.#connections.get(callId);
    if (!connection || connection.takenOver) return undefined;
    const agentLeg = connection.leg;
    this.#withdrawn.add(agentLeg);
    connection.leg = leg;
    connection.takenOver = { agentLegId: agentLeg.id, at };
    const unsubscribe = leg.subscribe((event) => {
      if (event.type !== 'call.hangup') return;
      unsubscribe();
      if (this.#connections.get(callId)?.leg !== leg) return;
      this.#connections.delete(callId);
      void connection.bridge?.destroy().catch(() => {});
      if (!this.#withdrawn.has(leg)) onEnded();
    });
    return agentLeg;
  }

  /** Undoes a {@link AgentLegs.takeover} that the PBX could not carry out, while the agent's leg is still up. */
  revertTakeover(callId: string, agentLeg: CallLeg): void {
    const connection = this.#connections.get(callId);
    if (!connection?.takenOver || connection.takenOver.agentLegId !== agentLeg.id) return;
    this.#withdrawn.delete(agentLeg);
    connection.leg = agentLeg;
    delete connection.takenOver;
  }

  /** Hangs up an agent's leg a takeover released. */
  releaseAgent(leg: CallLeg): void {
    this.#hangup(leg);
  }

  /** The caller left: hangs up the agent's leg and tears the bridge down. */
  disconnect(callId: string): Connection | undefined {
    const connection = this.#connections.get(callId);
    if (!connection) return undefined;
    this.#connections.delete(callId);
    this.#hangup(connection.leg);
    void connection.bridge?.destroy().catch(() => {});
    return connection;
  }

  /** Bridges a connected caller to their agent. */
  async bridge(callId: string): Promise<void> {
    const connection = this.#connections.get(callId);
    if (!connection) return;
    const create = this.#driver.createBridge?.bind(this.#driver);
    if (!create) throw new Error(`the ${this.#driver.name} driver cannot bridge calls`);
    const bridge = await create({ id: `acd-${connection.offerId.replace(/[^A-Za-z0-9_-]/g, '_')}`.slice(0, 64), purpose: 'acd', kind: 'mixing' });
    connection.bridge = bridge;
    await bridge.addLeg(callId);
    await bridge.addLeg(connection.leg.id);
  }

  #forget(offerId: string, agentId: string): void {
    const legs = this.#ringing.get(offerId);
    legs?.delete(agentId);
    if (legs && legs.size === 0) this.#ringing.delete(offerId);
  }

  #hangup(leg: CallLeg): void {
    this.#withdrawn.add(leg);
    leg.hangup('normal').catch((err: unknown) => {
      if (!isHotlineError(err, 'HOTLINE_ERR_CALL_ENDED')) this.#logger.warn({ legId: leg.id, err: String(err) }, 'agent leg hang-up failed');
    });
  }
}

function missReason(cause: HangupCause): 'missed' | 'rejected' | 'failed' {
  if (cause === 'no-answer') return 'missed';
  if (cause === 'busy' || cause === 'rejected') return 'rejected';
  // A leg that ends "normally" without being answered was cancelled at the phone.
  if (cause === 'normal') return 'rejected';
  return 'failed';
}
