import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mediaDurationMs, spokenWordCount } from '../../../src/adapters/sim/sim-media.ts';
import { MemorySoundLibrary } from '../../../src/adapters/memory/memory-sound-library.ts';

describe('sim media timing', () => {
  it('counts the words a number reader says', () => {
    const cases: Array<[number, number]> = [
      [0, 1], // zero
      [7, 1],
      [15, 1], // fifteen
      [40, 1], // forty
      [42, 2], // forty two
      [100, 2], // one hundred
      [342, 4], // three hundred forty two
      [1000, 2], // one thousand
      [1234, 6], // one thousand two hundred thirty four
      [2_000_005, 3], // two million five
      [-20.5, 4], // minus twenty point five
    ];
    for (const [value, words] of cases) assert.equal(spokenWordCount(value), words, String(value));
  });

  it('adds up a playback and fails it as a whole when a sound is missing', () => {
    const sounds = new MemorySoundLibrary({ welcome: 1500 });
    assert.equal(mediaDurationMs([{ kind: 'sound', name: 'welcome' }, { kind: 'digits', value: '12' }], sounds), 2500);
    assert.equal(mediaDurationMs([{ kind: 'sound', name: 'welcome' }, { kind: 'sound', name: 'missing' }], sounds), undefined);
    assert.equal(mediaDurationMs([], sounds), 0);
  });
});
