import type { RecordingService } from './recording-service.ts';

/** What a call session needs of the RecordingService (tests may pass a narrower fake). */
export type RecordingHost = Pick<RecordingService, 'start' | 'stop' | 'pause' | 'resume' | 'adopt' | 'reconcile' | 'finished' | 'callEnded'>;
