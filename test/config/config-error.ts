import assert from 'node:assert/strict';
import { loadConfig } from '../../src/config/load-config.ts';
import { isHotlineError } from '../../src/core/errors.ts';

/**
 * The message of the `HOTLINE_ERR_CONFIG` that loading a config from `env` throws; fails the
 * test when it loads, or throws anything else.
 * @example
 * assert.match(configError({ PORT: 'x' }), /PORT/);
 */
export function configError(env: Record<string, string>): string {
  try {
    loadConfig({ env });
  } catch (err) {
    assert.ok(isHotlineError(err, 'HOTLINE_ERR_CONFIG'), `expected HOTLINE_ERR_CONFIG, got ${String(err)}`);
    return err.message;
  }
  assert.fail('expected a config error');
}
