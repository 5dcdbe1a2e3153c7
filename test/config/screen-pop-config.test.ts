import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig, redactedConfig } from '../../src/config/load-config.ts';
import { configError } from './config-error.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { captureLines } from '../http/fakes.ts';

const SECRET = 'screen-pop-secret-0123456789';

describe('screen pop configuration', () => {
  test('is absent by default', () => {
    assert.equal(loadConfig({ env: {} }).screenPop, undefined);
  });

  test('reads SCREEN_POP_URL and SCREEN_POP_SECRET', () => {
    const c = loadConfig({ env: { SCREEN_POP_URL: 'https://crm.example.org/pop', SCREEN_POP_SECRET: SECRET } });
    assert.deepEqual(c.screenPop, { url: 'https://crm.example.org/pop', secret: SECRET });
    assert.ok(Object.isFrozen(c.screenPop));
  });

  test('needs a secret of at least 16 characters with a URL, and never quotes it', () => {
    assert.match(configError({ SCREEN_POP_URL: 'https://crm.example.org/pop' }), /SCREEN_POP_URL needs SCREEN_POP_SECRET/);
    const message = configError({ SCREEN_POP_URL: 'https://crm.example.org/pop', SCREEN_POP_SECRET: 'short-secret' });
    assert.match(message, /SCREEN_POP_SECRET must be at least 16 characters \(got 12\)/);
    assert.ok(!message.includes('short-secret'));
  });

  test('needs an http(s) URL', () => {
    assert.match(configError({ SCREEN_POP_URL: 'ftp://crm.example.org/pop', SCREEN_POP_SECRET: SECRET }), /SCREEN_POP_URL must be a http:\/\/ or https:\/\/ URL/);
  });

  test('is redacted from the boot log and from logged objects', () => {
    const c = loadConfig({ env: { SCREEN_POP_URL: 'https://crm.example.org/pop', SCREEN_POP_SECRET: SECRET } });
    const copy = redactedConfig(c);
    assert.equal(JSON.stringify(copy).includes(SECRET), false);
    assert.deepEqual(copy.screenPop, { url: 'https://crm.example.org/pop', secret: '[Redacted]' });
    // The pino redaction paths are the safety net when a config object is logged raw.
    const logs = captureLines();
    createLogger({ level: 'info', destination: logs.stream }).info({ config: c }, 'configuration loaded');
    const line = JSON.stringify(logs.lines());
    assert.equal(line.includes(SECRET), false);
    assert.match(line, /\[Redacted\]/);
  });
});
