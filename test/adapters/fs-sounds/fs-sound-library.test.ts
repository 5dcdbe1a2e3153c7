import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FsSoundLibrary } from '../../../src/adapters/fs-sounds/fs-sound-library.ts';
import { isHotlineError } from '../../../src/core/errors.ts';
import { wavFile } from './wav-fixture.ts';

describe('FsSoundLibrary', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hotline-sounds-'));
    await mkdir(path.join(dir, 'menus'));
    await mkdir(path.join(dir, '.cache'));
    await writeFile(path.join(dir, 'welcome.wav'), wavFile({ durationMs: 2500 }));
    await writeFile(
      path.join(dir, 'menus', 'main.wav'),
      wavFile({
        durationMs: 1200,
        sampleRate: 16000,
        channels: 2,
        // An odd-sized chunk (padded) before fmt and a LIST chunk before data: no fixed 44-byte header.
        chunksBeforeFmt: [{ id: 'JUNK', body: Buffer.alloc(27) }],
        chunksBeforeData: [{ id: 'LIST', body: Buffer.from('INFOISFT\u0006\u0000\u0000\u0000sox\u0000\u0000\u0000') }],
      }),
    );
    await writeFile(path.join(dir, 'streamed.wav'), wavFile({ durationMs: 750, dataSizeField: 0xffffffff }));
    await writeFile(path.join(dir, 'readme.txt'), 'not a sound');
    await writeFile(path.join(dir, '.cache', 'hidden.wav'), 'garbage');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('names sounds by relative path without .wav, subfolders with /', async () => {
    const sounds = await FsSoundLibrary.load(dir);
    assert.deepEqual(sounds.names().sort(), ['menus/main', 'streamed', 'welcome']);
    assert.equal(sounds.has('menus/main'), true);
    assert.equal(sounds.has('readme'), false);
    assert.equal(sounds.get('welcome')?.file, path.join(dir, 'welcome.wav'));
  });

  it('reads durations from the header, walking past other chunks', async () => {
    const sounds = await FsSoundLibrary.load(dir);
    assert.equal(sounds.durationMs('welcome'), 2500);
    assert.equal(sounds.durationMs('menus/main'), 1200);
    assert.equal(sounds.get('menus/main')?.info.channels, 2);
    assert.equal(sounds.durationMs('unknown'), undefined);
  });

  it('times a streamed file (unknown data size) by the bytes actually there', async () => {
    const sounds = await FsSoundLibrary.load(dir);
    assert.equal(sounds.durationMs('streamed'), 750);
  });

  it('refuses a malformed WAV file with HOTLINE_ERR_CONFIG naming it', async () => {
    const bad = await mkdtemp(path.join(tmpdir(), 'hotline-sounds-bad-'));
    try {
      await writeFile(path.join(bad, 'broken.wav'), Buffer.from('RIFF\u0000\u0000\u0000\u0000WAVEdata'));
      await assert.rejects(FsSoundLibrary.load(bad), (err) => isHotlineError(err, 'HOTLINE_ERR_CONFIG') && /broken\.wav/.test(err.message));
    } finally {
      await rm(bad, { recursive: true, force: true });
    }
  });

  it('refuses a missing directory with HOTLINE_ERR_CONFIG', async () => {
    await assert.rejects(FsSoundLibrary.load(path.join(dir, 'nope')), (err) => isHotlineError(err, 'HOTLINE_ERR_CONFIG'));
  });
});
