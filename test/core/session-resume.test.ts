import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowDocument } from '../../src/core/flow/types.ts';
import { createRig } from '../support/call-rig.ts';
import { createAcdRig, queueFromYaml } from '../acd/acd-rig.ts';

const flow: FlowDocument = {
  id: 'main',
  numbers: ['100'],
  start: 'welcome',
  steps: {
    welcome: { type: 'play', prompt: 'welcome', on: { done: 'menu' } },
    menu: { type: 'menu', prompt: 'menu', options: { '1': 'wait', '2': 'bye' }, timeout: '5s', on: { noInput: 'bye', noMatch: 'bye' } },
    wait: { type: 'queue', queue: 'billing', maxWait: '60s', on: { done: 'bye', timeout: 'sorry' } },
    sorry: { type: 'play', prompt: { say: 'nobody is free' }, on: { done: 'bye' } },
    bye: { type: 'hangup', prompt: 'goodbye' },
  },
};

describe('resuming a call after a restart', () => {
  it('re-prompts a menu without replaying the finished welcome, then carries on', async () => {
    const rig = await createRig([flow]);
    const leg = await rig.call('100');
    await rig.toInput(leg);
    assert.deepEqual(rig.sounds(leg.id), ['welcome', 'menu']);

    await rig.restart();
    assert.equal(rig.calls.session(leg.id), undefined, 'the new node does not drive the call yet');
    await rig.calls.accept(leg, { recovered: true });
    await rig.toInput(leg);
    assert.deepEqual(rig.sounds(leg.id), ['welcome', 'menu', 'menu'], 'menu asked again, welcome not replayed');
    assert.deepEqual(rig.steps(leg.id), ['welcome', 'menu'], 'no step re-entered from scratch');

    await leg.pressDigits('2');
    await rig.toEnd(leg);
    assert.equal(rig.outcome(leg.id), 'completed');
    assert.deepEqual((await rig.calls.getCall(leg.id))?.path, ['welcome', 'menu', 'bye']);
  });

  it('stops a prompt that was playing when the node died and plays it again from the start', async () => {
    const rig = await createRig([flow]);
    const leg = await rig.call('100');
    await leg.advance(500); // welcome half-way
    const first = leg.currentPlayback();
    assert.ok(first);
    await rig.restart();
    await rig.calls.accept(leg, { recovered: true });
    await rig.until(() => rig.sounds(leg.id).length === 2);
    assert.deepEqual(rig.sounds(leg.id), ['welcome', 'welcome']);
    assert.notEqual(leg.currentPlayback()?.playbackId, first.playbackId);
    await rig.toInput(leg);
    assert.equal(rig.calls.session(leg.id)?.currentStep(), 'menu');
  });

  it('keeps a queue place and its deadline across a restart', async () => {
    const rig = await createAcdRig([flow], [queueFromYaml('queue: billing\n')]);
    const leg = await rig.call('100');
    await rig.toInput(leg);
    await leg.pressDigits('1');
    await rig.toInput(leg);
    assert.equal(rig.calls.session(leg.id)?.currentStep(), 'wait');
    await leg.advance(40_000);
    const place = await rig.acdStore.getCaller(leg.id);
    assert.equal(place?.state, 'waiting');

    await rig.restart();
    await rig.calls.accept(leg, { recovered: true });
    await rig.toInput(leg);
    assert.equal(rig.calls.session(leg.id)?.currentStep(), 'wait');
    assert.equal((await rig.acdStore.getCaller(leg.id))?.enqueuedAt, place?.enqueuedAt, 'same place in line');
    await leg.advance(19_000);
    assert.equal(rig.calls.session(leg.id)?.currentStep(), 'wait', 'deadline not reached after 59 s in all');
    await leg.advance(1_000);
    await rig.toEnd(leg);
    assert.deepEqual(rig.steps(leg.id), ['welcome', 'menu', 'wait', 'sorry', 'bye']);
    assert.equal(await rig.acdStore.getCaller(leg.id), undefined, 'out of the queue');
    rig.stop();
  });

  it('keeps the flow version a call started with when a new version is published', async () => {
    const rig = await createRig([flow]);
    const leg = await rig.call('100');
    await rig.toInput(leg);
    const before = (await rig.calls.getCall(leg.id))?.version;
    // Publish a new version: new calls get it, the running call keeps its own.
    const { compiled } = rig.flows;
    const changed = { ...flow, steps: { ...flow.steps, welcome: { type: 'play' as const, prompt: 'goodbye', on: { done: 'menu' } } } };
    const { resolverFor } = await import('../support/call-rig.ts');
    const next = resolverFor([changed]).compiled[0]!;
    Object.assign(next, { version: 'v-main-2' });
    compiled.unshift(next);
    await rig.restart();
    await rig.calls.accept(leg, { recovered: true });
    await rig.toInput(leg);
    assert.equal((await rig.calls.getCall(leg.id))?.version, before);
    const other = await rig.call('100');
    assert.equal((await rig.calls.getCall(other.id))?.version, 'v-main-2');
    assert.equal(rig.sounds(other.id)[0], 'goodbye');
  });
});
