import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FlowDocument } from '../../src/core/flow/types.ts';
import { createRig } from '../support/call-rig.ts';

const flow: FlowDocument = {
  id: 'main',
  numbers: ['+18005550100'],
  start: 'welcome',
  steps: {
    welcome: { type: 'play', prompt: 'welcome', on: { done: 'menu' } },
    menu: {
      type: 'menu',
      prompt: 'menu',
      options: { '1': 'billing', '2': { goto: 'support', say: ['technical support', 'internet'] } },
      repeatKey: '9',
      timeout: '5s',
      retries: 2,
      noInputPrompt: 'no-input',
      noMatchPrompt: 'no-match',
      speech: { language: 'en-US' },
      into: 'choice',
      on: { noInput: 'operator', noMatch: 'operator' },
    },
    billing: { type: 'play', prompt: { say: 'billing' }, on: { done: 'bye' } },
    support: { type: 'play', prompt: { say: 'support' }, on: { done: 'bye' } },
    operator: { type: 'play', prompt: { say: 'operator' }, on: { done: 'bye' } },
    bye: { type: 'hangup', prompt: 'goodbye' },
  },
};

describe('menu step on the simulated PBX', () => {
  it('plays the welcome, waits for a key and follows the option', async () => {
    const rig = await createRig([flow]);
    const leg = await rig.call('+18005550100');
    await rig.toInput(leg);
    assert.equal(rig.calls.session(leg.id)?.currentStep(), 'menu');
    await leg.pressDigits('1');
    await rig.toEnd(leg);
    assert.deepEqual(rig.steps(leg.id), ['welcome', 'menu', 'billing', 'bye']);
    assert.deepEqual(rig.sounds(leg.id), ['welcome', 'menu', 'text:billing', 'goodbye']);
    assert.equal(rig.outcome(leg.id), 'completed');
    assert.equal(leg.status, 'ended');
    const view = await rig.calls.getCall(leg.id);
    assert.equal(view?.state, 'ended');
    assert.equal(view?.variables.choice, '1');
  });

  it('retries on no input with the no-input prompt, then takes noInput after the last attempt', async () => {
    const rig = await createRig([flow]);
    const leg = await rig.call('+18005550100');
    await rig.toInput(leg);
    for (let i = 0; i < 3; i++) {
      await leg.advance(5000);
      await rig.toInput(leg);
    }
    assert.deepEqual(rig.sounds(leg.id).slice(0, 7), ['welcome', 'menu', 'no-input', 'menu', 'no-input', 'menu', 'text:operator']);
    assert.equal(rig.calls.session(leg.id)?.currentStep() ?? rig.steps(leg.id).at(-1), 'bye');
  });

  it('counts a wrong key as no match, and the repeat key replays without using an attempt', async () => {
    const rig = await createRig([flow]);
    const leg = await rig.call('+18005550100');
    await rig.toInput(leg);
    await leg.pressDigits('7');
    await rig.toInput(leg);
    await leg.pressDigits('9');
    await rig.toInput(leg);
    await leg.pressDigits('9');
    await rig.toInput(leg);
    await leg.pressDigits('8');
    await rig.toInput(leg);
    assert.equal(rig.calls.session(leg.id)?.currentStep(), 'menu', 'two no-matches leave one attempt');
    await leg.pressDigits('8');
    await rig.toInput(leg);
    assert.deepEqual(rig.sounds(leg.id).slice(0, 9), ['welcome', 'menu', 'no-match', 'menu', 'menu', 'menu', 'no-match', 'menu', 'text:operator']);
  });

  it('lets a key barge into the menu prompt', async () => {
    const rig = await createRig([flow]);
    const leg = await rig.call('+18005550100');
    await leg.advance(2000); // welcome done, menu prompt playing
    await rig.until(() => leg.currentPlayback()?.media[0]?.kind === 'sound');
    await leg.pressDigits('2');
    await rig.until(() => rig.steps(leg.id).includes('support'));
    const view = await rig.calls.getCall(leg.id);
    const menuPrompt = view?.prompts.find((p) => p.step === 'menu');
    assert.equal(menuPrompt?.state, 'stopped');
  });

  it('ignores keys during a prompt without barge-in', async () => {
    const rig = await createRig([flow]);
    const leg = await rig.call('+18005550100');
    await leg.pressDigits('1');
    await rig.toInput(leg);
    assert.equal(rig.calls.session(leg.id)?.currentStep(), 'menu');
    assert.ok(!rig.steps(leg.id).includes('billing'));
  });

  it('understands a spoken option', async () => {
    const rig = await createRig([flow]);
    const leg = await rig.call('+18005550100');
    await rig.toInput(leg);
    await leg.say('I have a problem with my Internet');
    await rig.until(() => rig.steps(leg.id).includes('support'));
    assert.equal((await rig.calls.getCall(leg.id))?.variables.choice, '2');
  });

  it('ends cleanly when the caller hangs up mid-prompt', async () => {
    const rig = await createRig([flow]);
    const leg = await rig.call('+18005550100');
    await leg.advance(500);
    await leg.remoteHangup();
    await rig.until(() => rig.outcome(leg.id) !== undefined);
    assert.equal(rig.outcome(leg.id), 'caller-hangup');
    assert.equal(leg.clock.pendingCount(), 0, 'no timer left behind');
    assert.deepEqual(rig.driver.resourcesOf(leg.id), []);
    assert.equal((await rig.store.listActive()).length, 0);
  });

  it('sends calls to unknown numbers to the default flow, and refuses them without one', async () => {
    const withDefault = await createRig([flow], { defaultFlow: 'main' });
    const a = await withDefault.call('5550000');
    await withDefault.toInput(a);
    assert.equal(withDefault.calls.session(a.id)?.currentStep(), 'menu');

    const without = await createRig([flow]);
    const b = without.driver.placeCall({ to: '5550000' });
    await without.until(() => b.status === 'ended');
    assert.equal(b.hangupCause, 'unavailable');
  });
});
