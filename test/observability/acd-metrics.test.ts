import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AgentView, QueueView } from '../../src/core/acd/acd-api.ts';
import { attachAcdMetrics } from '../../src/observability/acd-metrics.ts';
import { createMetrics } from '../../src/observability/metrics.ts';

function queue(name: string, patch: Partial<QueueView> = {}): QueueView {
  return {
    name, description: '', strategy: 'longest-idle', skills: {}, waiting: 2, longestWaitSeconds: 42.5, answered: 10, abandoned: 3,
    abandonmentRate: 3 / 13, averageSpeedOfAnswerSeconds: 8, averageHandleTimeSeconds: 125, averageWrapUpSeconds: 10,
    serviceLevel: { thresholdSeconds: 20, target: 0.8, value: 0.75 }, occupancy: 0.6,
    agents: { available: 1, offered: 0, 'on-call': 1, 'wrap-up': 0, paused: 0, 'logged-out': 0 }, callers: [],
    ...patch,
  };
}

function agent(id: string, state: AgentView['state']): AgentView {
  return {
    id, state, endpoint: `sim:${id}`, skills: {}, queues: [], requestedQueues: null, timeInStateSeconds: 0, currentCall: null,
    figures: { offered: 0, answered: 0, missed: 0, missedInRow: 0, talkSeconds: 0, wrapUpSeconds: 0, availableSeconds: 0, pausedSeconds: 0, occupancy: null },
  };
}

/** The value of one series in Prometheus text, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('attachAcdMetrics', () => {
  it('exposes queue figures and agents by state, reading the ACD once per scrape', async () => {
    const metrics = createMetrics();
    let queues = [queue('billing'), queue('fresh', { answered: 0, abandoned: 0, serviceLevel: { thresholdSeconds: 20, target: 0.8, value: null }, averageSpeedOfAnswerSeconds: null, averageHandleTimeSeconds: null, occupancy: null, waiting: 0, longestWaitSeconds: 0 })];
    let reads = 0;
    attachAcdMetrics(metrics.registry, {
      listQueues: async () => {
        reads++;
        return queues;
      },
      listAgents: async () => [agent('a', 'available'), agent('b', 'on-call'), agent('c', 'on-call'), agent('d', 'paused')],
    });
    const text = await metrics.registry.metrics();
    assert.equal(reads, 1);
    assert.equal(sample(text, 'hotline_queue_waiting{queue="billing"}'), 2);
    assert.equal(sample(text, 'hotline_queue_longest_wait_seconds{queue="billing"}'), 42.5);
    assert.equal(sample(text, 'hotline_queue_answered_total{queue="billing"}'), 10);
    assert.equal(sample(text, 'hotline_queue_abandoned_total{queue="billing"}'), 3);
    assert.equal(sample(text, 'hotline_queue_service_level{queue="billing"}'), 0.75);
    assert.equal(sample(text, 'hotline_queue_asa_seconds{queue="billing"}'), 8);
    assert.equal(sample(text, 'hotline_queue_aht_seconds{queue="billing"}'), 125);
    assert.equal(sample(text, 'hotline_queue_occupancy{queue="billing"}'), 0.6);
    assert.match(text, /# TYPE hotline_queue_answered_total counter/);
    assert.match(text, /# TYPE hotline_queue_waiting gauge/);
    // Nothing measured yet: no series rather than a 0.
    assert.equal(sample(text, 'hotline_queue_waiting{queue="fresh"}'), 0);
    assert.equal(sample(text, 'hotline_queue_service_level{queue="fresh"}'), undefined);
    assert.equal(sample(text, 'hotline_queue_asa_seconds{queue="fresh"}'), undefined);
    assert.equal(sample(text, 'hotline_agents{state="on-call"}'), 2);
    assert.equal(sample(text, 'hotline_agents{state="available"}'), 1);
    assert.equal(sample(text, 'hotline_agents{state="wrap-up"}'), 0);

    // A queue that went away loses its series on the next scrape.
    queues = [queue('billing', { answered: 11 })];
    const next = await metrics.registry.metrics();
    assert.equal(reads, 2);
    assert.equal(sample(next, 'hotline_queue_answered_total{queue="billing"}'), 11);
    assert.equal(sample(next, 'hotline_queue_waiting{queue="fresh"}'), undefined);
  });

  it('keeps the scrape answering when the ACD cannot be read', async () => {
    const metrics = createMetrics();
    attachAcdMetrics(metrics.registry, {
      listQueues: async () => {
        throw new Error('store down');
      },
      listAgents: async () => [],
    });
    const text = await metrics.registry.metrics();
    assert.match(text, /hotline_active_calls/);
    assert.equal(sample(text, 'hotline_agents{state="available"}'), undefined);
  });
});
