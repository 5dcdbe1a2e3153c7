/**
 * Steps the callback scenarios share: a caller of the sample line into billing, an agent
 * answering their sim phone, a caller keeping their place. All through the HTTP API.
 */
import assert from 'node:assert/strict';
import { copyFlows, type CallbackApp } from './callback-app.ts';

/** A copy of the shipped flows (`flows/`) with `edits`. */
export function sampleFlows(edits: Record<string, string | ((old: string) => string)> = {}): string {
  return copyFlows(edits);
}

/** A caller of the sample line presses 1 for billing; resolves once they are in the queue. */
export async function intoBilling(rig: CallbackApp, from: string): Promise<string> {
  const id = await rig.call(from);
  await rig.untilHeard(id, 'main-menu');
  await rig.dtmf(id, '1');
  await rig.untilHeard(id, 'transfer-billing');
  return id;
}

/** Waits for `agentId`'s sim phone to ring, and picks up. */
export async function agentAnswers(rig: CallbackApp, agentId: string, maxMs?: number): Promise<void> {
  await rig.advanceUntil(async () => (await rig.outbound()).some((o) => o.to === `sim:${agentId}` && o.status === 'ringing'), `${agentId}'s phone ringing`, maxMs);
  const res = await rig.api('POST', `/sim/agents/${agentId}/answer`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
}

/** Logs `agentId` in to billing and puts a caller from `from` on the phone with them; resolves with that call. */
export async function busyBillingAgent(rig: CallbackApp, agentId: string, from = '+16175550100'): Promise<string> {
  await rig.login(agentId, { billing: 5 });
  const call = await intoBilling(rig, from);
  await agentAnswers(rig, agentId);
  await rig.advanceUntil(async () => (await rig.api('GET', `/agents/${agentId}`)).body.state === 'on-call', `${agentId} on a call`);
  return call;
}

/**
 * A waiting billing caller hears the offer (after 30 s; counting from `after` prompts heard) and
 * presses 1; resolves at the number confirmation (prompts heard so far).
 */
export async function acceptOffer(rig: CallbackApp, callId: string, after = 0): Promise<number> {
  const offerAt = await rig.untilHeard(callId, 'callback-keep-place', { after });
  await rig.dtmf(callId, '1');
  return rig.untilHeard(callId, 'callback-confirm-number', { after: offerAt });
}

/** A billing caller keeps their place with their caller ID; resolves with the callback's id once their call ended. */
export async function keepPlace(rig: CallbackApp, callId: string): Promise<string> {
  const confirmAt = await acceptOffer(rig, callId);
  await rig.dtmf(callId, '1');
  await rig.untilHeard(callId, 'callback-place-kept', { after: confirmAt });
  await rig.advanceUntil(async () => (await rig.api('GET', `/calls/${callId}`)).body.state === 'ended', `${callId} to end`);
  const listed = (await rig.api('GET', '/callbacks?queue=billing')).body.callbacks as any[];
  const mine = listed.find((c) => c.callId === callId);
  assert.ok(mine, `a callback for ${callId} in ${JSON.stringify(listed)}`);
  return mine.id;
}

/** Call ids of the billing queue's callers (kept places included), in queue order. */
export async function billingLine(rig: CallbackApp): Promise<string[]> {
  const view = (await rig.api('GET', '/queues/billing')).body;
  return (view.callers as Array<{ callId: string; state: string }>).filter((c) => c.state !== 'connected').map((c) => c.callId);
}

/** Slot offers a caller heard after `after` prompts (`For tomorrow morning, press 1.` → `tomorrow morning`). */
export async function slotsHeard(rig: CallbackApp, callId: string, after = 0): Promise<string[]> {
  return (await rig.heard(callId))
    .slice(after)
    .map((p) => /^text:For (.+), press \d\.$/.exec(p)?.[1])
    .filter((label): label is string => label !== undefined);
}

/**
 * A caller of the sample line while it is closed: 2 books a callback, 1 confirms the caller ID;
 * resolves with the slots offered (labels) and where the offer starts in what they heard.
 */
export async function afterHoursSlots(rig: CallbackApp, from: string): Promise<{ callId: string; offered: string[]; at: number }> {
  const callId = await rig.call(from);
  await rig.untilHeard(callId, 'closed-options');
  await rig.dtmf(callId, '2');
  await rig.untilHeard(callId, 'callback-confirm-number');
  await rig.dtmf(callId, '1');
  const at = await rig.advanceUntil(async () => {
    const heard = await rig.heard(callId);
    const i = heard.findIndex((p) => p === 'callback-slots-intro' || p === 'callback-no-slots');
    return i >= 0 ? i : undefined;
  }, `${callId} to hear the slots`);
  return { callId, offered: await slotsHeard(rig, callId, at), at };
}

/** The after-hours caller presses `key` for a slot; resolves with the callback booked for their call. */
export async function bookSlot(rig: CallbackApp, callId: string, key: string, after: number): Promise<any> {
  await rig.dtmf(callId, key);
  await rig.untilHeard(callId, 'callback-booked', { after });
  const mine = ((await rig.api('GET', '/callbacks')).body.callbacks as any[]).find((c) => c.callId === callId);
  assert.ok(mine, `a callback for ${callId}`);
  return mine;
}
