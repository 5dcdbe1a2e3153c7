import type { CallbackRecord } from '../../ports/callback-store.ts';
import type { Logger } from '../../ports/logger.ts';
import type { CallLeg, HangupCause, Media, TelephonyDriver } from '../../ports/telephony.ts';
import type { CallbackAgent, CallbackRingRequest } from '../acd/callback-connect.ts';
import { hotlineError } from '../errors.ts';
import type { DialOutcome } from './callback-types.ts';

/** What the agent hears on answering, while the customer is dialled. */
export const AGENT_FIRST_NOTICE: readonly Media[] = [{ kind: 'text', text: 'Callback to a customer. Connecting.' }];

/** What agent-first dialling needs of the ACD (the ACD service). */
export interface AgentFirstAcd {
  ringForCallback(request: CallbackRingRequest): Promise<CallbackAgent | undefined>;
  connectCallback(entryId: string, agent: CallbackAgent, customerLeg: CallLeg): Promise<boolean>;
  releaseCallbackAgent(entryId: string, agent: CallbackAgent): Promise<void>;
}

/** What {@link dialAgentFirst} needs. */
export interface AgentFirstDialerDeps {
  driver: TelephonyDriver;
  acd: AgentFirstAcd;
  logger: Logger;
  /** Caller ID presented to the customer; default the PBX's. */
  lineNumber?: string;
  /** How long the customer's phone rings. Default 30 s. */
  ringTimeoutMs?: number;
}

/**
 * One agent-first attempt (`callback.connect: agent-first`): rings the agent held for the
 * kept place (a miss goes to the next agent, within this attempt), then, once an agent
 * answered and heard {@link AGENT_FIRST_NOTICE}, dials the customer and bridges them straight
 * to the agent — no greeting flow: the agent handles machines and wrong persons. `connected`
 * once bridged; `no-answer` / `busy` / `failed` (agent released, place out of the line) when
 * the customer is not reached, so the retry policy applies.
 */
export async function dialAgentFirst(deps: AgentFirstDialerDeps, callback: CallbackRecord, attempt: number): Promise<DialOutcome> {
  const { driver, acd, logger } = deps;
  if (!driver.originate) throw hotlineError('HOTLINE_ERR_UNSUPPORTED', `the ${driver.name} driver cannot place calls`);
  const entry = callback.id;
  const log = { callbackId: callback.id, attempt };
  const agent = await acd.ringForCallback({
    entryId: entry,
    callbackId: callback.id,
    queue: callback.queue,
    priority: callback.priority,
    enqueuedAt: callback.enqueuedAt,
    number: callback.number,
  });
  if (!agent) {
    logger.info(log, 'callback place left the queue before an agent answered');
    return 'failed';
  }
  let agentGone = false;
  void agent.gone.then(() => (agentGone = true));
  agent.leg.play(AGENT_FIRST_NOTICE, { playbackId: `callback-notice-${attempt}`, bargeIn: false }).catch((err: unknown) => {
    logger.warn({ ...log, err: String(err) }, 'callback notice to the agent failed');
  });

  let leg: CallLeg;
  try {
    leg = await driver.originate({
      to: callback.number, // E.164, through the number policy
      ...(deps.lineNumber ? { from: deps.lineNumber } : {}),
      timeoutMs: deps.ringTimeoutMs ?? 30_000,
      purpose: 'callback',
    });
  } catch (err) {
    logger.warn({ ...log, err: String(err) }, 'callback originate failed');
    await acd.releaseCallbackAgent(entry, agent);
    return 'failed';
  }
  const first = await Promise.race([firstOf(leg), agent.gone.then(() => ({ type: 'agent.gone' as const }))]);
  if (first.type === 'agent.gone' || agentGone) {
    logger.info(log, 'agent hung up before the customer answered');
    await leg.hangup('normal').catch(() => undefined);
    await acd.releaseCallbackAgent(entry, agent);
    return 'failed';
  }
  if (first.type === 'call.hangup') {
    const outcome = outcomeOf(first.cause);
    logger.info({ ...log, outcome }, 'callback not answered; agent released');
    await acd.releaseCallbackAgent(entry, agent);
    return outcome;
  }
  if (!(await acd.connectCallback(entry, agent, leg))) {
    logger.warn(log, 'callback answered but the agent or the place was gone');
    await leg.hangup('normal').catch(() => undefined);
    await acd.releaseCallbackAgent(entry, agent);
    return 'failed';
  }
  return 'connected';
}

function outcomeOf(cause: HangupCause): DialOutcome {
  return cause === 'busy' ? 'busy' : cause === 'no-answer' ? 'no-answer' : 'failed';
}

/** The leg's answer or hang-up, whichever comes first. */
function firstOf(leg: CallLeg): Promise<{ type: 'call.answered' } | { type: 'call.hangup'; cause: HangupCause }> {
  return new Promise((resolve) => {
    const off = leg.subscribe((event) => {
      if (event.type === 'call.answered' || event.type === 'call.hangup') {
        off();
        resolve(event);
      }
    });
  });
}
