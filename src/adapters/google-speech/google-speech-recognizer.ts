import type { Logger } from '../../ports/logger.ts';
import { silentLogger } from '../../ports/logger.ts';
import type { SpeechRecognizer, SpeechResult, SpeechStream } from '../../ports/speech.ts';
import { hotlineError } from '../../core/errors.ts';

/**
 * The streaming configuration `SpeechClient.streamingRecognize(request)` of
 * `@google-cloud/speech` (v1) takes: only the fields Hotline sets.
 */
export interface GoogleStreamingRequest {
  config: {
    encoding: 'LINEAR16';
    sampleRateHertz: number;
    languageCode: string;
    audioChannelCount?: number;
    model?: string;
    useEnhanced?: boolean;
    profanityFilter?: boolean;
    speechContexts?: { phrases: string[] }[];
  };
  interimResults?: boolean;
  singleUtterance?: boolean;
}

/** One `StreamingRecognizeResponse`, as far as Hotline reads it. */
export interface GoogleStreamingResponse {
  results?: {
    alternatives?: { transcript?: string | null; confidence?: number | null }[] | null;
    isFinal?: boolean | null;
  }[] | null;
  error?: { code?: number; message?: string } | null;
}

/**
 * The duplex stream the client's helper returns: raw audio `Buffer`s in (the helper wraps them
 * as `audioContent`), responses out as `data` events.
 */
export interface GoogleRecognizeStream {
  write(chunk: Buffer): unknown;
  end(): unknown;
  on(event: 'data', listener: (response: GoogleStreamingResponse) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
}

/**
 * What Hotline uses of `@google-cloud/speech`'s `SpeechClient` (v1). The package is not a
 * dependency of Hotline: the composition root creates the client and passes it in.
 *
 * @example
 * import speech from '@google-cloud/speech';
 * const recognizer = new GoogleSpeechRecognizer({ client: new speech.SpeechClient() });
 */
export interface GoogleSpeechClient {
  streamingRecognize(request: GoogleStreamingRequest): GoogleRecognizeStream;
}

/** Options of {@link GoogleSpeechRecognizer}. */
export interface GoogleSpeechRecognizerOptions {
  client: GoogleSpeechClient;
  /** Recognition model, e.g. `phone_call` (narrow-band audio); default: the service's choice. */
  model?: string;
  /** Ask for interim results too (they are never reported as speech, only final ones). Default false. */
  interimResults?: boolean;
  logger?: Logger;
}

/** PCM the ports hand over: 8 kHz, 16-bit, mono (`SpeechRecognizer.start`). */
const SAMPLE_RATE_HZ = 8000;

/**
 * A {@link SpeechRecognizer} over Google Cloud Speech-to-Text streaming recognition. Each
 * `start()` opens one `streamingRecognize` stream (LINEAR16, 8 kHz, the call's language, hints
 * as a phrase list); results are reported with `final` set from `isFinal`, the top alternative's
 * transcript, and its confidence — which Google leaves at 0 when it did not estimate one, so 0
 * is reported as no confidence. Stream errors go to `onError` once; writes after `end()` or an
 * error are dropped.
 */
export class GoogleSpeechRecognizer implements SpeechRecognizer {
  readonly #options: GoogleSpeechRecognizerOptions;
  readonly #logger: Logger;

  constructor(options: GoogleSpeechRecognizerOptions) {
    this.#options = options;
    this.#logger = (options.logger ?? silentLogger).child({ adapter: 'google-speech' });
  }

  start(options: {
    language: string;
    hints?: string[];
    onResult: (result: SpeechResult) => void;
    onError: (err: Error) => void;
  }): SpeechStream {
    const phrases = (options.hints ?? []).map((h) => h.trim()).filter((h) => h.length > 0);
    const request: GoogleStreamingRequest = {
      config: {
        encoding: 'LINEAR16',
        sampleRateHertz: SAMPLE_RATE_HZ,
        languageCode: options.language,
        audioChannelCount: 1,
        ...(this.#options.model ? { model: this.#options.model } : {}),
        ...(phrases.length > 0 ? { speechContexts: [{ phrases }] } : {}),
      },
      interimResults: this.#options.interimResults ?? false,
    };
    let open = true;
    const fail = (err: unknown) => {
      if (!open) return;
      open = false;
      const error = hotlineError('HOTLINE_ERR_SPEECH', 'speech recognition failed', {
        reason: err instanceof Error ? err.message : String(err),
      }, err);
      this.#logger.warn({ code: error.code, reason: error.details?.['reason'] }, 'Google streaming recognition failed');
      options.onError(error);
    };
    let stream: GoogleRecognizeStream;
    try {
      stream = this.#options.client.streamingRecognize(request);
    } catch (err) {
      // Report asynchronously, like a stream error: the caller has not got its stream yet.
      queueMicrotask(() => fail(err));
      return { write: () => undefined, end: () => undefined };
    }
    stream.on('data', (response) => {
      if (response.error?.message) return fail(new Error(response.error.message));
      for (const result of response.results ?? []) {
        const best = result.alternatives?.[0];
        const text = best?.transcript ?? '';
        if (text === '') continue;
        const confidence = typeof best?.confidence === 'number' && best.confidence > 0 ? best.confidence : undefined;
        options.onResult({ text, final: result.isFinal === true, ...(confidence === undefined ? {} : { confidence }) });
      }
    });
    stream.on('error', (err) => fail(err));
    stream.on('close', () => {
      open = false;
    });
    return {
      write: (pcm) => {
        if (!open) return;
        try {
          stream.write(pcm);
        } catch (err) {
          fail(err);
        }
      },
      end: () => {
        if (!open) return;
        open = false;
        try {
          stream.end();
        } catch (err) {
          this.#logger.debug({ reason: (err as Error).message }, 'ending the recognition stream failed');
        }
      },
    };
  }
}
