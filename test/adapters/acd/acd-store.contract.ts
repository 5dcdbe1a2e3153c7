import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { AcdStore, AgentRecord, QueueRouting } from '../../../src/ports/acd-store.ts';
import { isHotlineError, type HotlineErrorCode } from '../../../src/core/errors.ts';

/** One store under test; `close` releases what the factory opened. */
export interface AcdFixture {
  store: AcdStore;
  close(): Promise<void>;
}

export const T0 = Date.parse('2026-11-23T15:00:00Z');
const S = 1000;

/** A queue's routing with test defaults (20 s ring, 20 s service level). */
export function queue(name: string, overrides: Partial<QueueRouting> = {}): QueueRouting {
  return { name, strategy: 'longest-idle', skills: {}, ringTimeoutMs: 20 * S, serviceLevelMs: 20 * S, ...overrides };
}

async function rejects(p: Promise<unknown>, code: HotlineErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => isHotlineError(err, code));
}

/**
 * The behaviour every `AcdStore` shares, written once and run over the memory and Redis stores.
 * Times are absolute (`T0 + …`), passed in as the port wants; nothing sleeps.
 */
export function runAcdStoreContract(name: string, factory: () => Promise<AcdFixture>): void {
  describe(`${name}: AcdStore contract`, () => {
    let fx: AcdFixture;
    let store: AcdStore;
    beforeEach(async () => {
      fx = await factory();
      store = fx.store;
    });
    afterEach(() => fx.close());

    const login = (id: string, at: number, skills: Record<string, number> = {}, queues: string[] | null = null): Promise<AgentRecord> =>
      store.login({ id, endpoint: `sim:${id}`, skills, queues }, at);
    const enqueue = (callId: string, q: string, at: number, priority = 0, node = 'node-a') => store.enqueue({ callId, queue: q, priority, node }, at);
    const state = async (id: string) => (await store.getAgent(id))?.state;
    /** Answers, then completes the call with no wrap-up: the agent is available again at `at`. */
    const serve = async (offerId: string, agentId: string, callId: string, at: number) => {
      assert.equal((await store.offerAnswered(offerId, agentId, at)).ok, true);
      await store.leave(callId, 'completed', at, 0);
    };

    describe('strategies', () => {
      it('longest-idle offers the agent idle longest, ties by id', async () => {
        await store.setQueues([queue('q')]);
        await login('c', T0);
        await login('b', T0);
        await login('a', T0 + 5 * S);
        await enqueue('k1', 'q', T0 + 10 * S);
        const [o1] = await store.route('q', T0 + 10 * S);
        assert.deepEqual(o1?.agentIds, ['b']);
        assert.deepEqual(o1?.endpoints, ['sim:b']);
        await enqueue('k2', 'q', T0 + 11 * S);
        assert.deepEqual((await store.route('q', T0 + 11 * S))[0]?.agentIds, ['c']);
      });

      it('round-robin offers the agent this queue offered least recently', async () => {
        await store.setQueues([queue('rr', { strategy: 'round-robin' })]);
        for (const id of ['a', 'b', 'c']) await login(id, T0);
        const picked: string[] = [];
        for (let i = 0; i < 4; i++) {
          await enqueue(`k${i}`, 'rr', T0 + i * S);
          const [offer] = await store.route('rr', T0 + i * S);
          assert.ok(offer);
          picked.push(offer.agentIds[0]!);
          await serve(offer.offerId, offer.agentIds[0]!, offer.callId, T0 + i * S + 1);
        }
        // longest-idle would give `a` again at once (it went idle first); round-robin goes around
        assert.deepEqual(picked, ['a', 'b', 'c', 'a']);
      });

      it('fewest-calls offers the agent with fewest answered calls, then longest idle', async () => {
        await store.setQueues([queue('fc', { strategy: 'fewest-calls' })]);
        await login('a', T0);
        await login('b', T0 + 1);
        for (const [i, agent] of [[1, 'a'], [2, 'b']] as const) {
          await enqueue(`k${i}`, 'fc', T0 + 60 * S);
          const [offer] = await store.route('fc', T0 + 60 * S + i);
          assert.deepEqual(offer?.agentIds, [agent]);
          await serve(offer!.offerId, agent, offer!.callId, T0 + 60 * S + 10 * i);
        }
        await login('c', T0 + 100 * S);
        await enqueue('k3', 'fc', T0 + 101 * S);
        assert.deepEqual((await store.route('fc', T0 + 101 * S))[0]?.agentIds, ['c']); // 0 calls beats longer idle
        await enqueue('k4', 'fc', T0 + 102 * S);
        assert.deepEqual((await store.route('fc', T0 + 102 * S))[0]?.agentIds, ['a']); // 1 call each: a idle longest
      });

      it('best-skill-match offers the highest proficiency sum over the queue skills, then longest idle', async () => {
        await store.setQueues([queue('bs', { strategy: 'best-skill-match', skills: { billing: 3, spanish: 1 } })]);
        await login('low', T0, { billing: 3, spanish: 1, french: 10 });
        await login('no', T0, { billing: 2, spanish: 10 });
        await login('x2', T0 + 2, { billing: 9, spanish: 5 });
        await login('x1', T0 + 1, { billing: 8, spanish: 6 });
        await enqueue('k1', 'bs', T0 + S);
        assert.deepEqual((await store.route('bs', T0 + S))[0]?.agentIds, ['x1']);
        await enqueue('k2', 'bs', T0 + S);
        assert.deepEqual((await store.route('bs', T0 + S))[0]?.agentIds, ['x2']);
        await enqueue('k3', 'bs', T0 + S);
        assert.deepEqual((await store.route('bs', T0 + S))[0]?.agentIds, ['low']);
        await enqueue('k4', 'bs', T0 + S);
        assert.deepEqual(await store.route('bs', T0 + S), []); // `no` lacks billing 3
      });

      it('ring-all offers every available agent; the first answer wins and the others are released', async () => {
        await store.setQueues([queue('all', { strategy: 'ring-all' })]);
        await login('b', T0);
        await login('a', T0 + 1);
        await login('p', T0);
        await store.setAgentState('p', 'paused', 'break', T0 + 2);
        await enqueue('k1', 'all', T0 + S);
        const [offer] = await store.route('all', T0 + S);
        assert.ok(offer);
        assert.deepEqual(offer.agentIds, ['b', 'a']);
        assert.deepEqual(offer.endpoints, ['sim:b', 'sim:a']);
        assert.equal(await state('a'), 'offered');
        assert.equal(await state('b'), 'offered');
        assert.deepEqual(await store.offerAnswered(offer.offerId, 'a', T0 + 3 * S), { ok: true, released: ['b'] });
        assert.equal(await state('a'), 'on-call');
        const b = await store.getAgent('b');
        assert.equal(b?.state, 'available');
        assert.equal(b?.idleSince, T0 + 3 * S);
        assert.equal(b?.figures.offered, 1);
        assert.equal(b?.figures.missed, 0);
        assert.deepEqual(await store.offerAnswered(offer.offerId, 'b', T0 + 4 * S), { ok: false, released: [] });
        const caller = await store.getCaller('k1');
        assert.equal(caller?.state, 'connected');
        assert.deepEqual(caller?.agentIds, ['a']);
      });

      it('routeAgent under ring-all offers the caller to every available agent of that queue', async () => {
        await store.setQueues([queue('all', { strategy: 'ring-all' })]);
        await login('a', T0);
        await login('b', T0 + 1);
        await enqueue('k1', 'all', T0 + S);
        const offer = await store.routeAgent('b', T0 + S);
        assert.deepEqual(offer?.agentIds, ['a', 'b']);
      });
    });

    describe('callers', () => {
      it('orders by priority, then wait; a raised priority moves the caller ahead', async () => {
        await store.setQueues([queue('q')]);
        await enqueue('c1', 'q', T0);
        await enqueue('c2', 'q', T0 + S);
        await enqueue('c3', 'q', T0 + 2 * S, 5);
        await enqueue('c0', 'q', T0 + S); // same time as c2: callId breaks the tie
        const order = async () => (await store.queueSnapshot('q')).callers.map((c) => c.callId);
        assert.deepEqual(await order(), ['c3', 'c1', 'c0', 'c2']);
        assert.equal((await store.setPriority('c2', 9))?.priority, 9);
        assert.deepEqual(await order(), ['c2', 'c3', 'c1', 'c0']);
        assert.deepEqual(await store.position('c1'), { position: 3, waiting: 4, staffed: 0 });
        assert.equal(await store.setPriority('nobody', 3), undefined);
        await login('a', T0);
        assert.equal((await store.route('q', T0 + 3 * S, 1))[0]?.callId, 'c2');
        assert.deepEqual(await store.position('c1'), { position: 3, waiting: 4, staffed: 1 }); // offered callers still count
      });

      it('enqueue is idempotent: the caller keeps enqueuedAt and place, only the node changes', async () => {
        await store.setQueues([queue('q')]);
        await enqueue('c1', 'q', T0);
        await enqueue('c2', 'q', T0 + S);
        const again = await store.enqueue({ callId: 'c1', queue: 'q', priority: 0, node: 'node-b' }, T0 + 60 * S);
        assert.equal(again.enqueuedAt, T0);
        assert.equal(again.node, 'node-b');
        assert.deepEqual((await store.queueSnapshot('q')).callers.map((c) => c.callId), ['c1', 'c2']);
        assert.equal((await store.queueSnapshot('q')).counters.entered, 2);
        const back = await store.enqueue({ callId: 'cb', queue: 'q', priority: 0, node: 'node-a', enqueuedAt: T0 - S, data: { virtual: 'true' } }, T0 + 90 * S);
        assert.equal(back.enqueuedAt, T0 - S);
        assert.deepEqual((await store.getCaller('cb'))?.data, { virtual: 'true' });
        assert.equal((await store.position('cb'))?.position, 1);
      });

      it('moveCaller keeps priority and enqueuedAt and counts left/entered', async () => {
        await store.setQueues([queue('a'), queue('b')]);
        await enqueue('x', 'b', T0 + 5 * S);
        await enqueue('m', 'a', T0, 3);
        const moved = await store.moveCaller('m', 'b', T0 + 30 * S);
        assert.equal(moved?.queue, 'b');
        assert.equal(moved?.enqueuedAt, T0);
        assert.equal(moved?.priority, 3);
        assert.deepEqual((await store.queueSnapshot('b')).callers.map((c) => c.callId), ['m', 'x']);
        assert.deepEqual((await store.queueSnapshot('a')).callers, []);
        assert.equal((await store.queueSnapshot('a')).counters.left, 1);
        assert.equal((await store.queueSnapshot('b')).counters.entered, 2);
        assert.equal(await store.moveCaller('nobody', 'b', T0), undefined);
        await login('ag', T0);
        await store.route('b', T0 + 31 * S);
        await rejects(store.moveCaller('m', 'a', T0 + 32 * S), 'HOTLINE_ERR_ILLEGAL_STATE');
      });

      it('renameCaller keeps the place, priority and a ringing offer under the new id and node', async () => {
        await store.setQueues([queue('q')]);
        await enqueue('first', 'q', T0);
        await enqueue('kept', 'q', T0 + S, 2);
        await enqueue('later', 'q', T0 + 2 * S);
        const parked = await store.renameCaller('kept', 'cb-1', 'callback-inbox', { callback: '1' });
        assert.deepEqual([parked?.callId, parked?.node, parked?.enqueuedAt, parked?.priority, parked?.data], ['cb-1', 'callback-inbox', T0 + S, 2, { callback: '1' }]);
        assert.equal(await store.getCaller('kept'), undefined);
        assert.deepEqual((await store.queueSnapshot('q')).callers.map((c) => c.callId), ['cb-1', 'first', 'later']);
        assert.equal((await store.position('later'))?.position, 3, 'the kept place still counts for callers behind it');
        assert.equal((await store.queueSnapshot('q')).counters.entered, 3, 'renaming is not a new arrival');
        await login('a', T0);
        const [offer] = await store.route('q', T0 + 10 * S);
        assert.deepEqual([offer?.callId, offer?.node], ['cb-1', 'callback-inbox']);
        assert.deepEqual(await store.takeOffers('callback-inbox'), [offer]);
        assert.equal(await store.extendOffer(offer!.offerId, T0 + 120 * S), true);
        assert.deepEqual(await store.expireOffers(T0 + 60 * S), [], 'the extended offer holds its agent');
        const back = await store.renameCaller('cb-1', 'leg-9', 'node-b');
        assert.deepEqual([back?.callId, back?.state, back?.offerId], ['leg-9', 'offered', offer!.offerId]);
        assert.equal((await store.getAgent('a'))?.callId, 'leg-9');
        assert.equal((await store.offerAnswered(offer!.offerId, 'a', T0 + 70 * S)).ok, true);
        assert.equal((await store.getCaller('leg-9'))?.state, 'connected');
        await rejects(store.renameCaller('leg-9', 'x', 'node-b'), 'HOTLINE_ERR_ILLEGAL_STATE');
        await rejects(store.renameCaller('first', 'later', 'node-b'), 'HOTLINE_ERR_CONFLICT');
        assert.equal(await store.renameCaller('nobody', 'x', 'node-b'), undefined);
        assert.equal(await store.extendOffer('gone:1', T0), false);
      });

      it('queuesWithWaiting lists queues with a caller waiting', async () => {
        await store.setQueues([queue('a'), queue('b'), queue('c')]);
        await enqueue('x', 'b', T0);
        await enqueue('y', 'a', T0);
        await enqueue('z', 'c', T0);
        await store.leave('z', 'left', T0 + 1, 0);
        assert.deepEqual(await store.queuesWithWaiting(), ['a', 'b']);
      });
    });

    describe('routing', () => {
      it('routeAgent takes the highest priority, then the longest wait, across the agent queues', async () => {
        await store.setQueues([queue('alpha'), queue('beta'), queue('other')]);
        for (const id of ['x', 'y', 'z']) {
          await login(id, T0, {}, ['alpha', 'beta']);
          await store.setAgentState(id, 'paused', 'busy', T0);
        }
        await enqueue('o1', 'other', T0 - 60 * S, 9);
        await enqueue('a1', 'alpha', T0);
        await enqueue('b1', 'beta', T0 + S);
        await enqueue('b2', 'beta', T0 + 2 * S, 2);
        await store.setAgentState('x', 'available', undefined, T0 + 10 * S);
        assert.equal((await store.routeAgent('x', T0 + 10 * S))?.callId, 'b2');
        await store.setAgentState('y', 'available', undefined, T0 + 10 * S);
        assert.equal((await store.routeAgent('y', T0 + 10 * S))?.callId, 'a1');
        await enqueue('a2', 'alpha', T0 + S); // same priority and time as b1: queue name decides
        await store.setAgentState('z', 'available', undefined, T0 + 10 * S);
        assert.equal((await store.routeAgent('z', T0 + 10 * S))?.callId, 'a2');
        assert.equal(await store.routeAgent('x', T0 + 11 * S), undefined); // not available
        assert.equal(await store.routeAgent('ghost', T0 + 11 * S), undefined);
      });

      it('eligibility follows skills, minimums and requested queues, recomputed by setQueues and login', async () => {
        await store.setQueues([queue('billing', { skills: { billing: 5 } }), queue('sales')]);
        assert.deepEqual((await login('a', T0, { billing: 5 })).queues, ['billing', 'sales']);
        assert.deepEqual((await login('b', T0, { billing: 4 })).queues, ['sales']);
        assert.deepEqual((await login('c', T0, { billing: 8 }, ['sales'])).queues, ['sales']);
        assert.deepEqual((await login('d', T0, {}, [])).queues, []);
        await enqueue('k', 'billing', T0 + S);
        assert.deepEqual((await store.route('billing', T0 + S))[0]?.agentIds, ['a']);
        await store.setQueues([queue('billing', { skills: { billing: 4 } }), queue('sales')]);
        assert.deepEqual((await store.getAgent('b'))?.queues, ['billing', 'sales']);
        assert.deepEqual((await store.login({ id: 'c', endpoint: 'sim:c2', skills: { billing: 8 }, queues: null }, T0 + 2 * S)).queues, ['billing', 'sales']);
        const snap = await store.queueSnapshot('billing');
        assert.deepEqual(snap.agents, { available: 2, offered: 1, 'on-call': 0, 'wrap-up': 0, paused: 0, 'logged-out': 0 });
        await enqueue('k2', 'billing', T0 + 3 * S);
        assert.deepEqual((await store.route('billing', T0 + 3 * S))[0]?.agentIds, ['b']);
      });

      it('a missed offer goes to the next agent and the caller keeps their place', async () => {
        await store.setQueues([queue('q')]);
        await login('a', T0);
        await login('b', T0 + 1);
        await enqueue('c1', 'q', T0 + S);
        await enqueue('c2', 'q', T0 + 2 * S);
        const [o1] = await store.route('q', T0 + 3 * S, 1);
        assert.deepEqual([o1?.callId, o1?.agentIds], ['c1', ['a']]);
        const failed = await store.offerFailed(o1!.offerId, 'a', 'missed', T0 + 23 * S, 3);
        assert.equal(failed.callerRequeued, true);
        assert.equal(failed.agent?.state, 'available');
        assert.equal(failed.agent?.missedInRow, 1);
        assert.equal(failed.agent?.figures.missed, 1);
        const c1 = await store.getCaller('c1');
        assert.deepEqual([c1?.state, c1?.offerId, c1?.agentIds], ['waiting', undefined, []]);
        assert.deepEqual((await store.queueSnapshot('q')).callers.map((c) => c.callId), ['c1', 'c2']);
        const [o2] = await store.route('q', T0 + 24 * S, 1);
        assert.deepEqual([o2?.callId, o2?.agentIds], ['c1', ['b']]);
        assert.notEqual(o2?.offerId, o1?.offerId);
        assert.equal((await store.offerAnswered(o1!.offerId, 'a', T0 + 25 * S)).ok, false); // stale offer
      });

      it('maxMissed misses in a row pause the agent with reason missed-offers; an answer resets the run', async () => {
        await store.setQueues([queue('q')]);
        await login('a', T0);
        await enqueue('c1', 'q', T0);
        const miss = async (at: number) => {
          const [o] = await store.route('q', at);
          return store.offerFailed(o!.offerId, 'a', 'rejected', at + S, 2);
        };
        assert.equal((await miss(T0 + S)).agent?.state, 'available');
        const [o] = await store.route('q', T0 + 5 * S);
        await store.offerAnswered(o!.offerId, 'a', T0 + 6 * S);
        assert.equal((await store.getAgent('a'))?.missedInRow, 0);
        await store.leave('c1', 'completed', T0 + 7 * S, 0);
        await enqueue('c2', 'q', T0 + 8 * S);
        await miss(T0 + 9 * S);
        const second = await miss(T0 + 20 * S);
        assert.equal(second.agent?.state, 'paused');
        assert.equal(second.agent?.reason, 'missed-offers');
        assert.equal(second.agent?.figures.missed, 3);
        assert.equal(second.callerRequeued, true);
        assert.deepEqual(await store.route('q', T0 + 30 * S), []);
      });

      it('abandonment while ringing releases the agents without a miss and counts abandoned', async () => {
        await store.setQueues([queue('q', { strategy: 'ring-all' })]);
        await login('a', T0);
        await login('b', T0);
        await enqueue('c1', 'q', T0);
        const [offer] = await store.route('q', T0 + S);
        const left = await store.leave('c1', 'abandoned', T0 + 5 * S, 10 * S);
        assert.equal(left.caller?.state, 'offered');
        assert.deepEqual([...left.releasedAgents].sort(), ['a', 'b']);
        for (const id of ['a', 'b']) {
          const agent = await store.getAgent(id);
          assert.deepEqual([agent?.state, agent?.figures.missed, agent?.offerId], ['available', 0, undefined]);
        }
        assert.equal(await store.getCaller('c1'), undefined);
        assert.deepEqual(await store.offerAnswered(offer!.offerId, 'a', T0 + 6 * S), { ok: false, released: [] });
        assert.deepEqual(await store.leave('c1', 'abandoned', T0 + 6 * S, 0), { releasedAgents: [] });
        await store.setAgentState('a', 'paused', undefined, T0 + 7 * S);
        await store.setAgentState('b', 'paused', undefined, T0 + 7 * S);
        await enqueue('c2', 'q', T0);
        await store.leave('c2', 'abandoned', T0 + 60 * S, 0);
        await enqueue('c3', 'q', T0);
        await store.leave('c3', 'timeout', T0 + 60 * S, 0);
        const counters = (await store.queueSnapshot('q')).counters;
        assert.deepEqual([counters.entered, counters.abandoned, counters.abandonedInSl, counters.left], [3, 2, 1, 1]);
        assert.deepEqual(await store.takeOffers('node-a'), [offer]);
      });

      it('expireOffers sends callers back to waiting and agents to available, without a miss', async () => {
        await store.setQueues([queue('q')]);
        await login('a', T0);
        await enqueue('c1', 'q', T0);
        const [offer] = await store.route('q', T0 + S);
        assert.equal(offer?.expiresAt, T0 + S + 20 * S + 5000);
        assert.deepEqual(await store.expireOffers(T0 + 25 * S), []);
        assert.deepEqual(await store.expireOffers(T0 + 26 * S), [offer]);
        const agent = await store.getAgent('a');
        assert.deepEqual([agent?.state, agent?.figures.missed, agent?.missedInRow], ['available', 0, 0]);
        assert.equal((await store.getCaller('c1'))?.state, 'waiting');
        assert.deepEqual(await store.expireOffers(T0 + 60 * S), []);
        assert.equal((await store.route('q', T0 + 61 * S))[0]?.callId, 'c1');
      });

      it('mails each offer to the inbox of the caller node, once', async () => {
        await store.setQueues([queue('q')]);
        await login('a', T0);
        await login('b', T0);
        await enqueue('c1', 'q', T0, 0, 'node-b');
        await enqueue('c2', 'q', T0 + 1, 0, 'node-a');
        const offers = await store.route('q', T0 + S);
        assert.equal(offers.length, 2);
        assert.deepEqual(await store.takeOffers('node-b'), [offers[0]]);
        assert.deepEqual(await store.takeOffers('node-b'), []);
        const [mailed] = await store.takeOffers('node-a');
        assert.deepEqual([mailed?.callId, mailed?.node, mailed?.queue, mailed?.at], ['c2', 'node-a', 'q', T0 + S]);
      });
    });

    describe('agents', () => {
      it('wrap-up after the call, then finishWrapUps makes the agent available; figures and counters add up', async () => {
        await store.setQueues([queue('q', { serviceLevelMs: 20 * S })]);
        await login('a', T0);
        await enqueue('c1', 'q', T0);
        const [offer] = await store.route('q', T0 + 5 * S);
        assert.equal((await store.offerAnswered(offer!.offerId, 'a', T0 + 10 * S)).ok, true);
        const left = await store.leave('c1', 'completed', T0 + 70 * S, 30 * S);
        assert.equal(left.caller?.state, 'connected');
        assert.deepEqual(left.releasedAgents, ['a']);
        const wrapping = await store.getAgent('a');
        assert.deepEqual([wrapping?.state, wrapping?.wrapUntil], ['wrap-up', T0 + 100 * S]);
        assert.deepEqual(await store.finishWrapUps(T0 + 99 * S), []);
        assert.deepEqual(await store.finishWrapUps(T0 + 100 * S), ['a']);
        const a = await store.getAgent('a');
        assert.deepEqual([a?.state, a?.idleSince, a?.callId, a?.wrapUntil], ['available', T0 + 100 * S, undefined, undefined]);
        assert.deepEqual(a?.figures, { offered: 1, answered: 1, missed: 0, availableMs: 5 * S, offeredMs: 5 * S, onCallMs: 60 * S, wrapUpMs: 30 * S, pausedMs: 0 });
        const counters = (await store.queueSnapshot('q')).counters;
        assert.deepEqual(counters, {
          entered: 1, answered: 1, abandoned: 0, answeredInSl: 1, abandonedInSl: 0, left: 0,
          answerWaitMsSum: 10 * S, handleMsSum: 60 * S, handled: 1, wrapUpMsSum: 30 * S, wrapUps: 1, recentHandleMs: [60 * S],
        });
      });

      it('agentCallEnded ends the call from the agent side; ASA and service level count per answer', async () => {
        await store.setQueues([queue('q', { serviceLevelMs: 20 * S })]);
        await login('a', T0);
        await store.setAgentState('a', 'paused', 'busy', T0);
        await enqueue('c1', 'q', T0);
        await enqueue('c2', 'q', T0);
        await store.setAgentState('a', 'available', undefined, T0 + 5 * S);
        const o1 = await store.routeAgent('a', T0 + 5 * S);
        await store.offerAnswered(o1!.offerId, 'a', T0 + 5 * S);
        const ended = await store.agentCallEnded('c1', 'a', T0 + 25 * S, 0);
        assert.deepEqual([ended?.state, ended?.idleSince], ['available', T0 + 25 * S]);
        assert.equal(await store.getCaller('c1'), undefined);
        assert.equal(await store.agentCallEnded('c1', 'a', T0 + 26 * S, 0), undefined);
        const o2 = await store.routeAgent('a', T0 + 30 * S);
        await store.offerAnswered(o2!.offerId, 'a', T0 + 30 * S);
        assert.equal((await store.agentCallEnded('c2', 'a', T0 + 40 * S, 5 * S))?.state, 'wrap-up');
        await store.setAgentState('a', 'available', undefined, T0 + 42 * S); // ends wrap-up early
        const c = (await store.queueSnapshot('q')).counters;
        assert.deepEqual(
          [c.answered, c.answeredInSl, c.answerWaitMsSum, c.handled, c.handleMsSum, c.recentHandleMs, c.wrapUps, c.wrapUpMsSum],
          [2, 1, 35 * S, 2, 30 * S, [10 * S, 20 * S], 1, 2 * S],
        );
        assert.deepEqual(await store.finishWrapUps(T0 + 60 * S), []);
      });

      it('rejects illegal state changes, unknown agents and bad input', async () => {
        await store.setQueues([queue('q')]);
        await login('a', T0);
        await login('b', T0);
        await enqueue('c1', 'q', T0);
        const [offer] = await store.route('q', T0 + S);
        const busy = offer!.agentIds[0]!;
        await rejects(store.setAgentState(busy, 'paused', 'break', T0 + 2 * S), 'HOTLINE_ERR_ILLEGAL_STATE');
        await rejects(store.logout(busy, T0 + 2 * S), 'HOTLINE_ERR_ILLEGAL_STATE');
        await store.offerAnswered(offer!.offerId, busy, T0 + 3 * S);
        await rejects(store.setAgentState(busy, 'available', undefined, T0 + 4 * S), 'HOTLINE_ERR_ILLEGAL_STATE');
        await rejects(store.logout(busy, T0 + 4 * S), 'HOTLINE_ERR_ILLEGAL_STATE');
        await rejects(store.setAgentState('ghost', 'available', undefined, T0), 'HOTLINE_ERR_NOT_FOUND');
        await rejects(store.logout('ghost', T0), 'HOTLINE_ERR_NOT_FOUND');
        const out = await store.logout('b', T0 + 5 * S);
        assert.deepEqual([out.state, out.queues, out.figures.availableMs], ['logged-out', [], 5 * S]);
        await rejects(store.setAgentState('b', 'available', undefined, T0 + 6 * S), 'HOTLINE_ERR_ILLEGAL_STATE');
        assert.equal((await store.listAgents()).find((x) => x.id === 'b')?.state, 'logged-out');
        await rejects(store.enqueue({ callId: 'c2', queue: 'q', priority: 1001, node: 'n' }, T0), 'HOTLINE_ERR_BAD_REQUEST');
        await rejects(store.enqueue({ callId: 'c 2', queue: 'q', priority: 1, node: 'n' }, T0), 'HOTLINE_ERR_BAD_REQUEST');
        await rejects(store.enqueue({ callId: 'c2', queue: 'q', priority: 1.5, node: 'n' }, T0), 'HOTLINE_ERR_BAD_REQUEST');
        await rejects(store.login({ id: 'x', endpoint: 'PJSIP/201;evil', skills: {}, queues: null }, T0), 'HOTLINE_ERR_BAD_REQUEST');
        await rejects(store.login({ id: 'x', endpoint: 'PJSIP/201', skills: { billing: 11 }, queues: null }, T0), 'HOTLINE_ERR_BAD_REQUEST');
        await rejects(store.setAgentState('a', 'on-call' as 'available', undefined, T0), 'HOTLINE_ERR_BAD_REQUEST');
        await rejects(store.setQueues([queue('q', { strategy: 'random' as 'ring-all' })]), 'HOTLINE_ERR_BAD_REQUEST');
      });

      it('login, pause and logout keep the time accounting; a fresh login resets the figures', async () => {
        await store.setQueues([queue('q')]);
        await login('a', T0);
        await store.setAgentState('a', 'paused', 'lunch', T0 + 10 * S);
        const relog = await store.login({ id: 'a', endpoint: 'sim:a-desk', skills: { x: 3 }, queues: ['q'] }, T0 + 12 * S);
        assert.deepEqual([relog.state, relog.reason, relog.endpoint, relog.stateSince, relog.requestedQueues], ['paused', 'lunch', 'sim:a-desk', T0 + 10 * S, ['q']]);
        await store.setAgentState('a', 'available', undefined, T0 + 15 * S);
        const out = await store.logout('a', T0 + 20 * S);
        assert.deepEqual([out.figures.availableMs, out.figures.pausedMs, out.reason], [15 * S, 5 * S, undefined]);
        const fresh = await login('a', T0 + 30 * S);
        assert.deepEqual([fresh.state, fresh.loggedInAt, fresh.idleSince, fresh.figures.availableMs, fresh.queues], ['available', T0 + 30 * S, T0 + 30 * S, 0, ['q']]);
      });
    });
  });
}
