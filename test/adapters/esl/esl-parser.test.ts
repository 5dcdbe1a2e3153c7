import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  EslParser, eslDecode, eslEncode, parseEvent, replyText, type EslFrame,
} from '../../../src/adapters/esl/esl-parser.ts';
import { FIXTURE_NAMES, loadFixture, recvRecords, recvStream } from '../../fakes/esl/fixtures.ts';

function parseInChunks(stream: string, sizes: () => number): EslFrame[] {
  const bytes = Buffer.from(stream, 'utf8');
  const parser = new EslParser();
  const frames: EslFrame[] = [];
  for (let i = 0; i < bytes.length;) {
    const n = Math.max(1, sizes());
    frames.push(...parser.push(bytes.subarray(i, i + n)));
    i += n;
  }
  assert.equal(parser.buffered, 0, 'no bytes left over');
  return frames;
}

function connsOf(name: string): string[] {
  return [...new Set(loadFixture(name).filter((r) => r.dir === 'recv').map((r) => r.conn as string))];
}

describe('ESL framing over the captured streams', () => {
  for (const name of FIXTURE_NAMES) {
    it(`${name}: every recv frame comes back, whole or split across reads`, () => {
      const records = loadFixture(name);
      for (const conn of connsOf(name)) {
        const expected = recvRecords(records, conn);
        const stream = recvStream(records, conn);
        let seed = 7;
        const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % 97) + 1;
        for (const frames of [parseInChunks(stream, () => stream.length), parseInChunks(stream, random)]) {
          assert.equal(frames.length, expected.length, `${conn} frame count`);
          frames.forEach((frame, i) => {
            const rec = expected[i]!;
            assert.equal(frame.contentType, rec.content_type, `${conn} #${rec.seq} content type`);
            assert.equal(frame.body ?? null, rec.body ?? null, `${conn} #${rec.seq} body`);
          });
        }
      }
    });
  }

  it('the connect reply: one block, no Content-Length, values percent-decoded', () => {
    const rec = loadFixture('outbound-dtmf-menu').find((r) => r.conn === 'outbound#1' && r.dir === 'recv')!;
    const [frame] = new EslParser().push(rec.raw!);
    assert.ok(frame);
    assert.equal(frame.contentType, 'command/reply');
    assert.equal(frame.body, undefined);
    assert.equal(replyText(frame), '+OK');
    assert.equal(frame.headers['Caller-Caller-ID-Name'], 'Caller Sim');
    assert.equal(frame.headers['Unique-ID'], '13ef1dee-bfd5-4806-89b2-900a50451758');
    assert.equal(frame.headers['variable_hotline_dnis'], '18005550100');
    assert.equal(frame.headers['variable_current_application_data'], '127.0.0.1:8084 async full');
    assert.equal(frame.headers['Socket-Mode'], 'async');
  });

  it('plain events are decoded; BACKGROUND_JOB carries its inner body', () => {
    const frames = new EslParser().push(recvStream(loadFixture('outbound-dtmf-menu'), 'outbound#1'));
    const events = frames.map(parseEvent).filter((e) => e !== undefined);
    const dtmf = events.filter((e) => e.name === 'DTMF').map((e) => e.headers['DTMF-Digit']);
    assert.deepEqual(dtmf, ['3', '1', '2', '3', '4', '5', '6', '#']);
    const job = events.find((e) => e.name === 'BACKGROUND_JOB')!;
    assert.equal(job.body, '18005550100');
    assert.equal(job.headers['Job-Command-Arg'], '13ef1dee-bfd5-4806-89b2-900a50451758 hotline_dnis');
    assert.equal(job.headers['Job-Owner-UUID'], '13ef1dee-bfd5-4806-89b2-900a50451758');
    assert.match(events[0]!.headers['Event-Date-GMT']!, /^Sun, 22 Nov 2026 /);
    const getvar = frames.find((f) => f.contentType === 'api/response')!;
    assert.equal(getvar.body, '123456', 'uuid_getvar has no trailing newline');
  });

  it('JSON events: all strings, the inner body in _body', () => {
    const frames = new EslParser().push(recvStream(loadFixture('inbound-auth'), 'inbound#2'));
    const json = frames.filter((f) => f.contentType === 'text/event-json').map(parseEvent);
    const job = json.find((e) => e?.name === 'BACKGROUND_JOB')!;
    assert.equal(job.headers['Job-UUID'], '3286d08c-3a24-45b8-9baf-a68a7013c9bd');
    assert.match(job.body!, /^UP 0 years/);
    assert.equal(job.headers['_body'], undefined);
    const xml = frames.filter((f) => f.contentType === 'text/event-xml').map(parseEvent);
    assert.equal(xml[0]?.name, 'BACKGROUND_JOB');
    assert.equal(frames.filter((f) => f.contentType === 'log/data').length, 1);
  });

  it('pipelined replies in one read come out in order', () => {
    const records = loadFixture('inbound-auth');
    const both = records.filter((r) => r.seq === 91 || r.seq === 92).map((r) => r.raw).join('');
    const frames = new EslParser().push(both);
    assert.deepEqual(frames.map((f) => f.body), ['FreeSWITCH Version 1.10.12-release~64bit ( 64bit)\n', '\n0 total.\n']);
  });

  it('eslEncode reproduces FreeSWITCH encoding of every captured plain header value', () => {
    let checked = 0;
    for (const name of FIXTURE_NAMES) {
      for (const rec of loadFixture(name)) {
        if (rec.dir !== 'recv' || rec.content_type !== 'text/event-plain') continue;
        for (const line of rec.body!.split('\n\n')[0]!.split('\n')) {
          const i = line.indexOf(': ');
          if (i < 0) continue;
          const raw = line.slice(i + 2);
          assert.equal(eslEncode(eslDecode(raw)), raw);
          checked++;
        }
      }
    }
    assert.ok(checked > 10_000, `checked ${checked} values`);
  });

  it('keeps malformed escapes literally', () => {
    assert.equal(eslDecode('100%'), '100%');
    assert.equal(eslDecode('%zz%41'), '%zzA');
    assert.equal(eslDecode('caf%C3%A9'), 'café');
  });
});
