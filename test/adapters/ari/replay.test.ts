import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { replay, summary } from './replay-support.ts';

// Captured Asterisk 22 event streams (`/work/shared/fixtures/ari/*.jsonl`) fed through the driver's
// event handling; the captured client's commands are mirrored as port calls.
describe('ARI replays of captured Asterisk traffic', () => {
  it('dtmf-menu: prompts finish, DTMF barges in (the digit, then the stopped prompt, as Asterisk sends them), digits in order, local hang-up', async () => {
    const r = await replay('dtmf-menu.jsonl');
    assert.equal(r.incoming.length, 1);
    const { leg, recovered } = r.incoming[0]!;
    assert.deepEqual({ from: leg.from, to: leg.to, callerName: leg.callerName, recovered }, {
      from: '5551001', to: '100', callerName: 'Alice', recovered: false,
    });
    assert.deepEqual(summary(r.events.get(leg.id)!), [
      'prompt.started:pb-1', 'prompt.done:pb-1:finished',
      'prompt.started:pb-2', 'call.dtmf:1:100', 'prompt.done:pb-2:stopped',
      'prompt.started:pb-3', 'prompt.done:pb-3:finished',
      'call.dtmf:2:100', 'call.dtmf:#:100',
      'call.hangup:normal:local',
    ]);
    assert.ok(r.requests.includes('DELETE /playbacks/pb-2'), 'barge-in stops the playback on Asterisk');
    assert.ok(r.requests.includes(`DELETE /channels/${leg.id}?reason=normal`));
    assert.ok(r.requests.some((q) => q.startsWith(`POST /channels/${leg.id}/play?media=sound%3Ahotline%2Freplayed&playbackId=pb-1`)));
  });

  it('caller-hangup: PlaybackFinished failed → prompt.done failed, then one call.hangup by remote', async () => {
    const r = await replay('caller-hangup.jsonl');
    const leg = r.incoming[0]!.leg;
    assert.deepEqual(summary(r.events.get(leg.id)!), [
      'prompt.started:pb-1', 'prompt.done:pb-1:failed', 'call.hangup:normal:remote',
    ]);
    // The late play after StasisEnd is refused without a request; the late hang-up resolves.
    assert.deepEqual(r.errors.map((e) => e.code), ['HOTLINE_ERR_CALL_ENDED']);
    assert.equal(r.driver.getLeg(leg.id), undefined);
  });

  it('record: stopped recording and one ended by the # terminator', async () => {
    const r = await replay('record.jsonl');
    const leg = r.incoming[0]!.leg;
    assert.deepEqual(summary(r.events.get(leg.id)!), [
      'prompt.started:pb-1', 'prompt.done:pb-1:finished',
      'recording.done:test1:stopped:0',
      'call.dtmf:#:100', 'recording.done:test2:terminated:2000',
      'call.hangup:normal:local',
    ]);
    assert.ok(r.requests.some((q) => q.startsWith(`POST /channels/${leg.id}/record?name=test2&format=wav&ifExists=overwrite`)));
    assert.ok(r.requests.some((q) => q.includes('terminateOn=%23') && q.includes('beep=true') && q.includes('maxDurationSeconds=15')));
  });

  it('bridge-snoop: the agent answers on StasisStart; snoops are not calls; one hang-up per leg', async () => {
    const r = await replay('bridge-snoop.jsonl');
    assert.equal(r.incoming.length, 1, 'only the caller is a new call (agent and snoops are ours)');
    const caller = r.incoming[0]!.leg;
    const agent = r.originated[0]!;
    assert.deepEqual(summary(r.events.get(agent.id)!), ['call.answered', 'call.hangup:normal:local']);
    assert.deepEqual(summary(r.events.get(caller.id)!), ['call.hangup:normal:local']);
  });

  it('originate-failures: busy (cause 0 + Dial BUSY on a Local ;1), no answer (19), allocation failure', async () => {
    const r = await replay('originate-failures.jsonl', { until: 32 });
    const [busy, noAnswer] = r.originated;
    assert.deepEqual(summary(r.events.get(busy!.id)!), ['call.hangup:busy:remote']);
    assert.deepEqual(summary(r.events.get(noAnswer!.id)!), ['call.hangup:no-answer:remote']);
    assert.deepEqual(r.errors.map((e) => e.code), ['HOTLINE_ERR_ORIGINATE_FAILED']);
    assert.equal(r.incoming.length, 0, 'the ;2 halves of Local channels are not calls');
  });

  it('originate-failures: a channel created by someone else entering the app is a new call with its args', async () => {
    const r = await replay('originate-failures.jsonl');
    assert.equal(r.incoming.length, 1);
    assert.deepEqual(r.incoming[0]!.variables, { arg1: 'agent-dial' });
    assert.equal(r.incoming[0]!.leg.to, '203');
  });

  it('full-call: prompts, barge-in, recording, agent leg answered, everything hung up once', async () => {
    const r = await replay('full-call.jsonl');
    const caller = r.incoming[0]!.leg;
    assert.equal(r.incoming.length, 1);
    assert.deepEqual(summary(r.events.get(caller.id)!), [
      'prompt.started:pb-1', 'prompt.done:pb-1:finished',
      'prompt.started:pb-2', 'call.dtmf:1:100', 'prompt.done:pb-2:stopped',
      'recording.done:full-106:stopped:0',
      'call.hangup:normal:local',
    ]);
    assert.deepEqual(summary(r.events.get(r.originated[0]!.id)!), ['call.answered', 'call.hangup:normal:local']);
  });

  it('pjsip-inbound: a real SIP call, DTMF 5 and 9, hang-up by BYE without a cause', async () => {
    const r = await replay('pjsip-inbound.jsonl');
    const leg = r.incoming[0]!.leg;
    assert.deepEqual({ from: leg.from, to: leg.to, callerName: leg.callerName }, { from: 'softphone', to: '100', callerName: 'Softphone' });
    assert.deepEqual(summary(r.events.get(leg.id)!), [
      'prompt.started:pb-1', 'prompt.done:pb-1:finished', 'call.dtmf:5:100', 'call.dtmf:9:100', 'call.hangup:normal:remote',
    ]);
  });
});
