import type { RecordOptions } from '../../ports/telephony.ts';
import { hotlineError } from '../../core/errors.ts';
import { assertSimpleName } from './ari-validate.ts';

/** `POST /channels/{id}/record` parameters for {@link RecordOptions}. */
export function recordQuery(options: RecordOptions): Record<string, string | number | boolean> {
  assertSimpleName(options.recordingId, 'recordingId');
  const query: Record<string, string | number | boolean> = {
    name: options.recordingId,
    format: 'wav',
    ifExists: 'overwrite',
  };
  if (options.maxDurationMs !== undefined) query['maxDurationSeconds'] = Math.max(1, Math.ceil(options.maxDurationMs / 1000));
  if (options.beep !== undefined) query['beep'] = options.beep;
  if (options.terminateOn !== undefined) {
    // Asterisk only ends a recording on `*`, `#` or any digit.
    if (!['#', '*', 'any', 'none'].includes(options.terminateOn)) {
      throw hotlineError('HOTLINE_ERR_BAD_REQUEST', 'terminateOn must be #, * or any on Asterisk', {
        terminateOn: options.terminateOn.slice(0, 4),
      });
    }
    query['terminateOn'] = options.terminateOn;
  }
  return query;
}
