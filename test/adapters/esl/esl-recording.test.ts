import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isHotlineError } from '../../../src/core/errors.ts';
import { EslRecordingMedia } from '../../../src/adapters/esl/esl-recording-media.ts';
import { waitFor } from '../../fakes/esl/wait-for.ts';
import { createEslRig, type EslRig } from './esl-supervision-rig.ts';

const code = (c: string) => (err: unknown) => isHotlineError(err) && err.code === c;
const FIXTURES = process.env['HOTLINE_ESL_FIXTURES'] ?? '/work/shared/fixtures/esl';
const FS_DIR = '/usr/local/freeswitch/recordings';

// record.jsonl: the uuid_record commands as FreeSWITCH took them (`api uuid_record <uuid> <action> <path>`).
const capturedRecord = readFileSync(join(FIXTURES, 'record.jsonl'), 'utf8')
  .split('\n')
  .filter((l) => l.trim() !== '')
  .map((l) => JSON.parse(l) as { dir: string; command?: string })
  .filter((l) => l.dir === 'send' && l.command?.startsWith('api uuid_record') && !l.command.includes('bogus') && !l.command.includes('0000-0000'))
  .map((l) => l.command!.replace(/[0-9a-f]{8}-[0-9a-f-]{27}/, '<uuid>').replace(/\/usr\/local\/freeswitch\/recordings\/[^ ]+\.wav/, '<path>'));

let rig: EslRig | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await rig?.close();
  rig = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hotline-esl-rec-'));
  dirs.push(dir);
  return dir;
}

describe('ESL bridge recordings and recording media', () => {
  it('records the conversation on the caller leg: start, mask, unmask, stop as in record.jsonl', async () => {
    rig = await createEslRig();
    const { caller, bridge } = await rig.connectedCall();
    const mark = rig.fake.commands.length;
    const id = 'rec-c1-conversation-1';
    const path = `${FS_DIR}/${id}.wav`;
    await bridge.startRecording!({ recordingId: id });
    await bridge.startRecording!({ recordingId: id }); // a retried effect
    const ch = rig.fake.channels.get(caller.id)!;
    assert.deepEqual([...ch.recordings.keys()], [path]);
    await bridge.muteRecording!(id);
    assert.equal(ch.recordings.get(path)?.masked, true, 'silence is recorded');
    await bridge.unmuteRecording!(id);
    assert.equal(ch.recordings.get(path)?.masked, false);
    await bridge.stopRecording!(id);
    assert.equal(ch.recordings.size, 0);
    const ours = rig.apiSince(mark);
    assert.deepEqual(ours, ['start', 'mask', 'unmask', 'stop'].map((a) => `uuid_record ${caller.id} ${a} ${path}`));
    assert.deepEqual(
      ours.map((c) => `api ${c}`.replace(caller.id, '<uuid>').replace(path, '<path>')),
      capturedRecord.slice(0, 4),
      'the same command shapes as the captured session',
    );
    await bridge.stopRecording!(id); // idempotent
    await assert.rejects(bridge.muteRecording!(id), code('HOTLINE_ERR_NOT_FOUND'));
    assert.deepEqual(rig.fake.errors, []);
  });

  it('a recording the hang-up ended stops without error; ids and unsupported options are refused', async () => {
    rig = await createEslRig();
    const { caller, bridge } = await rig.connectedCall();
    await bridge.startRecording!({ recordingId: 'rec-c2-conversation-1', maxDurationMs: 3_600_000 });
    assert.ok(rig.apiSince(0).includes(`uuid_record ${caller.id} start ${FS_DIR}/rec-c2-conversation-1.wav 3600`));
    rig.fake.hangup(caller.id);
    await waitFor(() => rig!.fake.channels.get(caller.id)?.hungUp, 'caller gone');
    await bridge.stopRecording!('rec-c2-conversation-1');
    for (const bad of ['../x', 'a/b', '.hidden', 'a b', 'a\nb']) {
      await assert.rejects(bridge.startRecording!({ recordingId: bad }), code('HOTLINE_ERR_BAD_REQUEST'), bad);
    }
    await assert.rejects(bridge.startRecording!({ recordingId: 'rec-c2-conversation-2', terminateOn: '#' }), code('HOTLINE_ERR_UNSUPPORTED'));
    const empty = await rig.driver.createBridge();
    await assert.rejects(empty.startRecording!({ recordingId: 'rec-c2-x' }), code('HOTLINE_ERR_ILLEGAL_STATE'));
  });

  it('recordingMedia reads and deletes <recordingsReadDir>/<id>.wav; absent without recordingsReadDir', async () => {
    const root = tempDir();
    const dir = join(root, 'rec');
    mkdirSync(dir);
    rig = await createEslRig({ recordingsReadDir: dir });
    const media = rig.driver.recordingMedia!;
    assert.ok(media);
    const wav = Buffer.from('RIFF\u0024\u0000\u0000\u0000WAVEfmt fake');
    writeFileSync(join(dir, 'rec-c3-call-1.wav'), wav); // what FreeSWITCH wrote to the shared volume
    assert.deepEqual(Buffer.from((await media.fetch('rec-c3-call-1'))!), wav);
    await media.delete('rec-c3-call-1');
    assert.equal(existsSync(join(dir, 'rec-c3-call-1.wav')), false);
    assert.equal(await media.fetch('rec-c3-call-1'), undefined);
    await media.delete('rec-c3-call-1'); // never existed any more: resolves
    writeFileSync(join(root, 'outside.wav'), 'secret');
    for (const bad of ['../outside', 'a/b', '.hidden', '', 'x'.repeat(129), 'rec\u0000']) {
      await assert.rejects(media.fetch(bad), code('HOTLINE_ERR_BAD_REQUEST'), bad);
      await assert.rejects(media.delete(bad), code('HOTLINE_ERR_BAD_REQUEST'), bad);
    }
    assert.equal(existsSync(join(root, 'outside.wav')), true);
    await rig.close();
    rig = await createEslRig();
    assert.equal(rig.driver.recordingMedia, undefined);
  });

  it('a directory that is not readable is a PBX error, not "no such recording"', async () => {
    const dir = tempDir();
    const media = new EslRecordingMedia(join(dir, 'a-file'));
    writeFileSync(join(dir, 'a-file'), 'not a directory');
    await assert.rejects(media.fetch('rec-1'), code('HOTLINE_ERR_PBX'));
  });
});
