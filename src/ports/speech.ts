/** One recognition result. */
export interface SpeechResult {
  text: string;
  confidence?: number;
  final: boolean;
}

/**
 * Speech to text. Drivers that carry caller audio out of the PBX (ARI `externalMedia`,
 * FreeSWITCH media forking) feed it; the simulated PBX needs none, callers type what they say.
 */
export interface SpeechRecognizer {
  /** Starts a streaming recognition; write 8 kHz 16-bit mono PCM, results arrive via `onResult`. */
  start(options: {
    language: string;
    hints?: string[];
    onResult: (result: SpeechResult) => void;
    onError: (err: Error) => void;
  }): SpeechStream;
}

/** An open recognition stream. */
export interface SpeechStream {
  write(pcm: Buffer): void;
  end(): void;
}

/** Text to speech for PBXes that can only play files. */
export interface SpeechSynthesizer {
  /** Renders `text` to a sound the PBX can play; returns its sound name (cached by content). */
  render(text: string, options?: { voice?: string }): Promise<{ name: string; durationMs: number }>;
}
