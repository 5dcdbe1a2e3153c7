import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agentView, estimatedWaitSeconds, queueView } from '../../src/core/acd/figures.ts';
import { queueFromYaml } from './acd-rig.ts';
import type { AgentRecord, QueueCounters, QueuedCaller, QueueSnapshot } from '../../src/ports/acd-store.ts';

const T0 = Date.parse('2026-11-23T14:00:00Z');

function agent(patch: Partial<AgentRecord> = {}): AgentRecord {
  return {
    id: 'alice',
    state: 'available',
    endpoint: 'sim:alice',
    skills: { billing: 7 },
    requestedQueues: null,
    queues: ['billing'],
    loggedInAt: T0,
    stateSince: T0,
    idleSince: T0,
    missedInRow: 0,
    figures: { offered: 0, answered: 0, missed: 0, availableMs: 0, onCallMs: 0, wrapUpMs: 0, pausedMs: 0, offeredMs: 0 },
    ...patch,
  };
}

// Through the real loader: the figures read what a queue file really yields.
const definition = queueFromYaml(`queue: billing
description: Billing questions
skills: { billing: 5 }
wrapUp: 10s
serviceLevel: { threshold: 20s, target: 80 }
`);

function counters(patch: Partial<QueueCounters> = {}): QueueCounters {
  return {
    entered: 0, answered: 0, abandoned: 0, answeredInSl: 0, abandonedInSl: 0, left: 0,
    answerWaitMsSum: 0, handleMsSum: 0, handled: 0, wrapUpMsSum: 0, wrapUps: 0, recentHandleMs: [],
    ...patch,
  };
}

function caller(callId: string, enqueuedAt: number, state: QueuedCaller['state'] = 'waiting', agentIds: string[] = []): QueuedCaller {
  return { callId, queue: 'billing', priority: 0, enqueuedAt, node: 'n1', state, agentIds };
}

function snapshot(patch: Partial<QueueSnapshot> = {}): QueueSnapshot {
  return {
    name: 'billing',
    callers: [],
    agents: { available: 0, offered: 0, 'on-call': 0, 'wrap-up': 0, paused: 0, 'logged-out': 0 },
    counters: counters(),
    ...patch,
  };
}

describe('agentView', () => {
  it('adds the open interval of the current state up to now', () => {
    const record = agent({
      state: 'on-call',
      stateSince: T0 + 60_000,
      callId: 'call-1',
      offerId: 'offer-1',
      figures: { offered: 2, answered: 1, missed: 1, availableMs: 50_000, onCallMs: 30_000, wrapUpMs: 10_000, pausedMs: 5_000, offeredMs: 10_000 },
      missedInRow: 1,
    });
    const view = agentView(record, T0 + 90_000);
    assert.equal(view.timeInStateSeconds, 30);
    assert.deepEqual(view.currentCall, { callId: 'call-1', offerId: 'offer-1' });
    assert.deepEqual(view.figures, {
      offered: 2, answered: 1, missed: 1, missedInRow: 1,
      talkSeconds: 60, wrapUpSeconds: 10, availableSeconds: 50, pausedSeconds: 5,
      // (60 + 10) / (60 + 10 + 50 + 10)
      occupancy: 70 / 130,
    });
  });

  it('counts the open interval in the state the agent is in, and paused time in none of occupancy', () => {
    const paused = agentView(agent({ state: 'paused', reason: 'break', stateSince: T0, figures: { ...agent().figures, onCallMs: 10_000, availableMs: 10_000 } }), T0 + 40_000);
    assert.equal(paused.reason, 'break');
    assert.equal(paused.figures.pausedSeconds, 40);
    assert.equal(paused.figures.occupancy, 0.5);
    const wrap = agentView(agent({ state: 'wrap-up', stateSince: T0, wrapUntil: T0 + 10_000 }), T0 + 4_000);
    assert.equal(wrap.figures.wrapUpSeconds, 4);
    assert.equal(wrap.wrapUntil, T0 + 10_000);
    assert.equal(wrap.figures.occupancy, 1);
    const ringing = agentView(agent({ state: 'offered', stateSince: T0, offerId: 'o1', callId: 'c1' }), T0 + 5_000);
    assert.equal(ringing.figures.occupancy, 0); // ringing is staffed time, not busy time
  });

  it('answers null occupancy before any staffed time and no current call when idle', () => {
    const view = agentView(agent({ state: 'available', stateSince: T0 }), T0);
    assert.equal(view.figures.occupancy, null);
    assert.equal(view.currentCall, null);
    assert.equal('reason' in view, false);
    const loggedOut = agentView(agent({ state: 'logged-out', stateSince: T0 }), T0 + 60_000);
    assert.equal(loggedOut.figures.occupancy, null);
    assert.equal(loggedOut.figures.availableSeconds, 0);
  });

  it('never reports a negative time when the store clock is ahead', () => {
    assert.equal(agentView(agent({ stateSince: T0 + 5_000 }), T0).timeInStateSeconds, 0);
  });

  it('copies arrays so the view cannot alter the record', () => {
    const record = agent({ requestedQueues: ['billing'] });
    const view = agentView(record, T0);
    view.queues.push('x');
    view.requestedQueues!.push('y');
    view.skills.z = 1;
    assert.deepEqual(record.queues, ['billing']);
    assert.deepEqual(record.requestedQueues, ['billing']);
    assert.deepEqual(record.skills, { billing: 7 });
  });
});

describe('queueView', () => {
  it('computes ASA, AHT, wrap-up, abandonment and service level from the counters', () => {
    const view = queueView(
      definition,
      snapshot({
        counters: counters({
          entered: 12, answered: 8, abandoned: 2, answeredInSl: 6, abandonedInSl: 1,
          answerWaitMsSum: 96_000, handleMsSum: 1_200_000, handled: 6, wrapUpMsSum: 50_000, wrapUps: 5,
        }),
      }),
      [],
      T0,
    );
    assert.equal(view.answered, 8);
    assert.equal(view.abandoned, 2);
    assert.equal(view.averageSpeedOfAnswerSeconds, 12);
    assert.equal(view.averageHandleTimeSeconds, 200);
    assert.equal(view.averageWrapUpSeconds, 10);
    assert.equal(view.abandonmentRate, 0.2);
    // 6 / (8 + 2 - 1)
    assert.deepEqual(view.serviceLevel, { thresholdSeconds: 20, target: 0.8, value: 6 / 9 });
  });

  it('answers null wherever nothing was measured yet', () => {
    const view = queueView(definition, snapshot(), [], T0);
    assert.equal(view.abandonmentRate, null);
    assert.equal(view.averageSpeedOfAnswerSeconds, null);
    assert.equal(view.averageHandleTimeSeconds, null);
    assert.equal(view.averageWrapUpSeconds, null);
    assert.equal(view.serviceLevel.value, null);
    assert.equal(view.occupancy, null);
    assert.equal(view.waiting, 0);
    assert.equal(view.longestWaitSeconds, 0);
  });

  it('leaves callers who abandoned inside the threshold out of service level', () => {
    // Only abandoned callers, all within the threshold: nothing to measure.
    const view = queueView(definition, snapshot({ counters: counters({ abandoned: 3, abandonedInSl: 3 }) }), [], T0);
    assert.equal(view.serviceLevel.value, null);
    assert.equal(view.abandonmentRate, 1);
  });

  it('measures waits from the oldest caller not yet connected and lists callers in order', () => {
    const view = queueView(
      definition,
      snapshot({
        callers: [
          caller('connected-1', T0 - 300_000, 'connected', ['bob']),
          { ...caller('vip', T0 - 10_000), priority: 10 },
          caller('offered-1', T0 - 90_000, 'offered', ['alice']),
          caller('waiting-1', T0 - 30_000),
        ],
      }),
      [],
      T0,
    );
    assert.equal(view.waiting, 3);
    assert.equal(view.longestWaitSeconds, 90);
    assert.deepEqual(view.callers, [
      { callId: 'connected-1', priority: 0, waitSeconds: 300, state: 'connected', agentIds: ['bob'] },
      { callId: 'vip', priority: 10, waitSeconds: 10, state: 'waiting', agentIds: [] },
      { callId: 'offered-1', priority: 0, waitSeconds: 90, state: 'offered', agentIds: ['alice'] },
      { callId: 'waiting-1', priority: 0, waitSeconds: 30, state: 'waiting', agentIds: [] },
    ]);
  });

  it('sums occupancy over the logged-in agents serving the queue only', () => {
    const staffed = { ...agent().figures };
    const agents = [
      // 30 s on call closed + 30 s open on call = 60 busy; 20 available.
      agent({ id: 'a', state: 'on-call', stateSince: T0 - 30_000, figures: { ...staffed, onCallMs: 30_000, availableMs: 20_000 } }),
      // 20 s available open.
      agent({ id: 'b', state: 'available', stateSince: T0 - 20_000 }),
      // Another queue: ignored.
      agent({ id: 'c', state: 'on-call', stateSince: T0 - 100_000, queues: ['sales'] }),
      // Logged out: ignored.
      agent({ id: 'd', state: 'logged-out', stateSince: T0 - 100_000, figures: { ...staffed, onCallMs: 500_000 } }),
    ];
    const view = queueView(definition, snapshot(), agents, T0);
    assert.equal(view.occupancy, 60 / 100);
  });

  it('carries the definition and the agents-by-state counts', () => {
    const agents = { available: 2, offered: 1, 'on-call': 3, 'wrap-up': 0, paused: 1, 'logged-out': 4 };
    const view = queueView(definition, snapshot({ agents }), [], T0);
    assert.deepEqual(
      { name: view.name, description: view.description, strategy: view.strategy, skills: view.skills, agents: view.agents },
      { name: 'billing', description: 'Billing questions', strategy: 'longest-idle', skills: { billing: 5 }, agents },
    );
  });
});

describe('estimatedWaitSeconds', () => {
  it('uses the mean of recent handle times', () => {
    assert.equal(estimatedWaitSeconds(3, 2, [120_000, 180_000], 180_000), 225);
  });

  it('uses the default handle time without history', () => {
    assert.equal(estimatedWaitSeconds(1, 1, [], 180_000), 180);
  });

  it('treats no staffed agents as one and rounds up', () => {
    assert.equal(estimatedWaitSeconds(2, 0, [], 1_500), 3);
    assert.equal(estimatedWaitSeconds(1, 3, [1_000], 60_000), 1); // 0.333 s → 1
  });
});
