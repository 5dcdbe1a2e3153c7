/** The prompts Hotline ships (`sounds/`), known by name without extension. */
export interface SoundLibrary {
  /** True when a prompt of that name exists. */
  has(name: string): boolean;
  /** Length of the prompt in milliseconds (from the audio file's header). */
  durationMs(name: string): number | undefined;
  /** All prompt names. */
  names(): string[];
}
