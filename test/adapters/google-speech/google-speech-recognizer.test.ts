import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import {
  GoogleSpeechRecognizer,
  type GoogleRecognizeStream,
  type GoogleSpeechClient,
  type GoogleStreamingRequest,
  type GoogleStreamingResponse,
} from '../../../src/adapters/google-speech/google-speech-recognizer.ts';
import { isHotlineError } from '../../../src/core/errors.ts';
import type { SpeechResult } from '../../../src/ports/speech.ts';

/** A stand-in for the `@google-cloud/speech` helper stream: records writes, lets the test answer. */
class FakeRecognizeStream extends EventEmitter implements GoogleRecognizeStream {
  readonly written: Buffer[] = [];
  ended = false;
  write(chunk: Buffer): boolean {
    if (this.ended) throw new Error('write after end');
    this.written.push(chunk);
    return true;
  }
  end(): void {
    this.ended = true;
    this.emit('close');
  }
  respond(response: GoogleStreamingResponse): void {
    this.emit('data', response);
  }
}

class FakeSpeechClient implements GoogleSpeechClient {
  readonly requests: GoogleStreamingRequest[] = [];
  readonly streams: FakeRecognizeStream[] = [];
  throwOnOpen: Error | undefined;
  streamingRecognize(request: GoogleStreamingRequest): FakeRecognizeStream {
    if (this.throwOnOpen) throw this.throwOnOpen;
    this.requests.push(request);
    const stream = new FakeRecognizeStream();
    this.streams.push(stream);
    return stream;
  }
}

function open(client: FakeSpeechClient, options: { model?: string; hints?: string[] } = {}) {
  const results: SpeechResult[] = [];
  const errors: Error[] = [];
  const recognizer = new GoogleSpeechRecognizer({ client, ...(options.model ? { model: options.model } : {}) });
  const stream = recognizer.start({
    language: 'de-DE',
    ...(options.hints ? { hints: options.hints } : {}),
    onResult: (r) => results.push(r),
    onError: (e) => errors.push(e),
  });
  return { stream, results, errors };
}

describe('GoogleSpeechRecognizer', () => {
  it('opens a LINEAR16 8 kHz stream in the call language with hints as phrases, and passes PCM through', () => {
    const client = new FakeSpeechClient();
    const { stream } = open(client, { model: 'phone_call', hints: ['Rechnung', ' ', 'Technik'] });
    assert.deepEqual(client.requests, [{
      config: { encoding: 'LINEAR16', sampleRateHertz: 8000, languageCode: 'de-DE', audioChannelCount: 1, model: 'phone_call', speechContexts: [{ phrases: ['Rechnung', 'Technik'] }] },
      interimResults: false,
    }]);
    const pcm = Buffer.from([0x7c, 0x7d, 0x84, 0x82]);
    stream.write(pcm);
    assert.deepEqual(client.streams[0]!.written, [pcm]);
    stream.end();
    stream.write(pcm);
    assert.equal(client.streams[0]!.ended, true);
    assert.equal(client.streams[0]!.written.length, 1, 'writes after end are dropped');
  });

  it('reports the top alternative with isFinal and confidence (0 means none); skips empty results', () => {
    const client = new FakeSpeechClient();
    const { results } = open(client);
    const google = client.streams[0]!;
    google.respond({ results: [{ alternatives: [{ transcript: 'Rech', confidence: 0 }], isFinal: false }] });
    google.respond({ results: [{ alternatives: [{ transcript: 'Rechnung bitte', confidence: 0.91 }, { transcript: 'Rechnungen', confidence: 0.4 }], isFinal: true }] });
    google.respond({ results: [{ alternatives: [{ transcript: 'Technik', confidence: 0 }], isFinal: true }] });
    google.respond({ results: [{ alternatives: [], isFinal: true }, { isFinal: true }] });
    google.respond({});
    assert.deepEqual(results, [
      { text: 'Rech', final: false },
      { text: 'Rechnung bitte', final: true, confidence: 0.91 },
      { text: 'Technik', final: true },
    ]);
  });

  it('turns stream errors (and in-band errors) into one HOTLINE_ERR_SPEECH; later writes are dropped', async () => {
    const client = new FakeSpeechClient();
    const { stream, errors } = open(client);
    const google = client.streams[0]!;
    google.emit('error', new Error('7 PERMISSION_DENIED: no credentials'));
    google.emit('error', new Error('again'));
    assert.equal(errors.length, 1);
    assert.ok(isHotlineError(errors[0], 'HOTLINE_ERR_SPEECH'));
    assert.match(String((errors[0] as { details?: Record<string, unknown> }).details?.['reason']), /PERMISSION_DENIED/);
    stream.write(Buffer.alloc(2));
    assert.equal(google.written.length, 0);

    const second = open(client);
    client.streams[1]!.respond({ error: { code: 11, message: 'Audio Timeout Error' } });
    assert.equal(second.errors.length, 1);

    client.throwOnOpen = new Error('no network');
    const third = open(client);
    third.stream.write(Buffer.alloc(2));
    third.stream.end();
    await Promise.resolve();
    assert.equal(third.errors.length, 1);
    assert.ok(isHotlineError(third.errors[0], 'HOTLINE_ERR_SPEECH'));
  });
});
