import type { CallbackRecord } from '../../ports/callback-store.ts';
import type { Logger } from '../../ports/logger.ts';
import type { CallLeg, LegEvent, TelephonyDriver } from '../../ports/telephony.ts';
import type { CallSessionHandle } from '../call/call-session.ts';
import { hotlineError } from '../errors.ts';
import { dialAgentFirst, type AgentFirstAcd } from './agent-first-dialer.ts';
import type { CallbackCallVars } from './callback-flow-host.ts';
import type { Dialer, DialOutcome } from './callback-types.ts';

/** What the dialer needs (ports and services; the composition root wires them). */
export interface TelephonyDialerDeps {
  driver: TelephonyDriver;
  calls: { startOutbound(leg: CallLeg, flowId: string, vars: Record<string, unknown>): Promise<CallSessionHandle> };
  /** Tells when the callback's call reached an agent, and releases a kept place nobody answered for. */
  acd?: { on(listener: (event: { type: string; callId?: string }) => void): () => void; releaseCallbackEntry(entryId: string): Promise<void> } & Partial<AgentFirstAcd>;
  /** The queue's `callback.connect`: `agent-first` rings the agent held for a kept place before dialling the customer. */
  connectOf?(queue: string): 'customer-first' | 'agent-first' | undefined;
  logger: Logger;
  /** Caller ID presented to the customer (the line's number); default the PBX's. */
  lineNumber?: string;
  /** Flow the answered leg runs. Default `callback`. */
  flowId?: string;
  /** How long the customer's phone rings. Default 30 s. */
  ringTimeoutMs?: number;
}

/**
 * A {@link Dialer} over the telephony port: originates to the customer (`purpose: callback`),
 * maps a leg that never answered to `no-answer`/`busy`/`failed` (releasing the kept place), and
 * runs the callback flow on an answered leg with `vars.callback = { id, queue, entry }`. The
 * attempt is `connected` once the call's queue step reached an agent, `rescheduled` when the
 * customer chose another time, else `answered`.
 */
export class TelephonyDialer implements Dialer {
  readonly #deps: TelephonyDialerDeps;
  readonly #rescheduled = new Set<string>();

  constructor(deps: TelephonyDialerDeps) {
    this.#deps = deps;
  }

  /** The callback host reports that the call `callId` moved its callback to another time. */
  readonly markRescheduled = (callId: string): void => {
    this.#rescheduled.add(callId);
  };

  async dial(callback: CallbackRecord, attempt: number): Promise<DialOutcome> {
    const { driver, logger, acd } = this.#deps;
    if (!driver.originate) throw hotlineError('HOTLINE_ERR_UNSUPPORTED', `the ${driver.name} driver cannot place calls`);
    if (callback.mode === 'keep-place' && this.#deps.connectOf?.(callback.queue) === 'agent-first' && acd?.ringForCallback && acd.connectCallback && acd.releaseCallbackAgent) {
      const agentFirst: AgentFirstAcd = {
        ringForCallback: acd.ringForCallback.bind(acd),
        connectCallback: acd.connectCallback.bind(acd),
        releaseCallbackAgent: acd.releaseCallbackAgent.bind(acd),
      };
      return dialAgentFirst({ ...this.#deps, acd: agentFirst }, callback, attempt);
    }
    const entry = callback.id;
    const leg = await driver.originate({
      to: callback.number, // E.164, through the number policy
      ...(this.#deps.lineNumber ? { from: this.#deps.lineNumber } : {}),
      timeoutMs: this.#deps.ringTimeoutMs ?? 30_000,
      purpose: 'callback',
    });
    const first = await firstOf(leg);
    if (first.type === 'call.hangup') {
      const outcome: DialOutcome = first.cause === 'busy' ? 'busy' : first.cause === 'no-answer' ? 'no-answer' : 'failed';
      logger.info({ callbackId: callback.id, attempt, outcome }, 'callback not answered');
      await this.#deps.acd?.releaseCallbackEntry(entry);
      return outcome;
    }
    // The attempt is over once an agent answers: the conversation is not part of it, and a
    // node dying mid-conversation must not count it as interrupted and ring the customer again.
    let off: (() => void) | undefined;
    const ended = await new Promise<'connected' | 'ended'>((resolve, reject) => {
      off = this.#deps.acd?.on((e) => {
        if (e.type === 'queue.answered' && e.callId === leg.id) resolve('connected');
      });
      const vars: { callback: CallbackCallVars } = {
        callback: {
          id: callback.id,
          queue: callback.queue,
          entry,
          priority: callback.priority,
          // A kept place the customer missed is taken up again at the original place when they answer a retry.
          ...(callback.mode === 'keep-place' ? { enqueuedAt: callback.enqueuedAt } : {}),
        },
      };
      this.#deps.calls.startOutbound(leg, this.#deps.flowId ?? 'callback', vars).then(
        (session) => session.done.then(() => resolve('ended')),
        (err: unknown) => {
          // No flow to run (a deployment without flows/callback.yaml): do not leave the customer on a silent line.
          void leg.hangup().catch(() => undefined);
          reject(err);
        },
      );
    }).finally(() => off?.());
    const rescheduled = this.#rescheduled.delete(leg.id);
    if (ended === 'connected') {
      logger.info({ callbackId: callback.id, attempt, callId: leg.id }, 'callback connected to an agent');
      return 'connected';
    }
    // A place nobody took over (the customer chose another time or hung up) frees its agent.
    await this.#deps.acd?.releaseCallbackEntry(entry);
    return rescheduled ? 'rescheduled' : 'answered';
  }
}

/** The leg's answer or hang-up, whichever comes first. */
function firstOf(leg: CallLeg): Promise<Extract<LegEvent, { type: 'call.answered' | 'call.hangup' }>> {
  return new Promise((resolve) => {
    const off = leg.subscribe((event) => {
      if (event.type === 'call.answered' || event.type === 'call.hangup') {
        off();
        resolve(event);
      }
    });
  });
}
