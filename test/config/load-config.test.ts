import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, redactedConfig, splitRegexList } from '../../src/config/load-config.ts';
import { configError } from './config-error.ts';

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hotline-config-')), name);
  writeFileSync(file, text);
  return file;
}

describe('loadConfig', () => {
  test('defaults', () => {
    const c = loadConfig({ env: {} });
    assert.equal(c.port, 8080);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.pbx, 'sim');
    assert.equal(c.redisUrl, undefined);
    assert.equal(c.flowsDir, 'flows');
    assert.equal(c.soundsDir, 'sounds');
    assert.equal(c.logLevel, 'info');
    assert.equal(c.defaultFlow, 'support-line');
    assert.equal(c.simRealtime, true);
    assert.equal(c.endedCallRetentionSeconds, 3600);
    assert.equal(c.settings.crm_url, 'http://127.0.0.1:8080/demo/crm');
    assert.equal(c.adminTokenGenerated, true);
    assert.ok(c.adminToken.length >= 24);
    assert.notEqual(loadConfig({ env: {} }).adminToken, c.adminToken);
  });

  test('the default transfer allowlist takes NANP numbers and extensions, refuses premium and international', () => {
    const allow = loadConfig({ env: {} }).transferAllow.map((s) => new RegExp(s));
    const ok = (n: string) => allow.some((r) => r.test(n));
    for (const n of ['+12125551234', '12125551234', '2125551234', '200', '1001']) assert.ok(ok(n), n);
    for (const n of ['+19005551234', '9005551234', '+12129761234', '+442079460958', '+4420794609', '011442079460958', '12345', '1125551234']) assert.ok(!ok(n), n);
  });

  test('environment overrides defaults', () => {
    const c = loadConfig({
      env: {
        PORT: '9000', HOST: '0.0.0.0', LOG_LEVEL: 'debug', REDIS_URL: 'redis://127.0.0.1:6390', FLOWS_DIR: '/srv/flows', SOUNDS_DIR: '/srv/sounds',
        HOTLINE_ADMIN_TOKEN: 'a-long-enough-admin-token', DEFAULT_FLOW: 'main', TRANSFER_ALLOW: '^\\d{3,4}$,^\\+44\\d{10}$', SIM_REALTIME: 'false',
        HOTLINE_SETTING_CRM_URL: 'http://crm.local/api', HOTLINE_SETTING_Brand: 'Acme', ENDED_CALL_RETENTION: '60',
      },
    });
    assert.equal(c.port, 9000);
    assert.equal(c.host, '0.0.0.0');
    assert.equal(c.logLevel, 'debug');
    assert.equal(c.redisUrl, 'redis://127.0.0.1:6390');
    assert.equal(c.flowsDir, '/srv/flows');
    assert.equal(c.adminToken, 'a-long-enough-admin-token');
    assert.equal(c.adminTokenGenerated, false);
    assert.equal(c.defaultFlow, 'main');
    assert.deepEqual(c.transferAllow, ['^\\d{3,4}$', '^\\+44\\d{10}$']);
    assert.equal(c.simRealtime, false);
    assert.deepEqual(c.settings, { crm_url: 'http://crm.local/api', brand: 'Acme' });
    assert.equal(c.endedCallRetentionSeconds, 60);
  });

  test('crm_url follows PORT', () => {
    assert.equal(loadConfig({ env: { PORT: '9001' } }).settings.crm_url, 'http://127.0.0.1:9001/demo/crm');
  });

  test('file (YAML and JSON) sits between defaults and environment', () => {
    const yaml = tempFile('hotline.yaml', 'port: 7000\nlogLevel: warn\nsettings:\n  brand: Acme\npbx: ari\nari:\n  url: http://asterisk:8088\n  username: hotline\n  password: s3cret\n');
    const c = loadConfig({ env: { HOTLINE_CONFIG: yaml, LOG_LEVEL: 'error' } });
    assert.equal(c.port, 7000);
    assert.equal(c.logLevel, 'error');
    assert.equal(c.settings.brand, 'Acme');
    assert.deepEqual(c.ari, { app: 'hotline', url: 'http://asterisk:8088', username: 'hotline', password: 's3cret' });
    const jsonFile = tempFile('hotline.json', JSON.stringify({ port: 7001, esl: { host: 'fs', password: 'pw' }, pbx: 'esl' }));
    const j = loadConfig({ env: { HOTLINE_CONFIG: jsonFile, ESL_PORT: '8022' } });
    assert.deepEqual(j.esl, { port: 8022, listen: '127.0.0.1:8084', host: 'fs', password: 'pw' });
  });

  test('clear errors', () => {
    assert.equal(configError({ PORT: 'abc' }), 'PORT must be an integer from 1 to 65535 (got "abc")');
    assert.equal(configError({ PORT: '70000' }), 'PORT must be an integer from 1 to 65535 (got 70000)');
    assert.equal(configError({ PBX: 'sip' }), 'PBX must be one of sim, ari, esl (got "sip")');
    assert.equal(configError({ SIM_REALTIME: 'maybe' }), 'SIM_REALTIME must be true or false (got "maybe")');
    assert.match(configError({ REDIS_URL: 'localhost:6379' }), /^REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/);
    assert.match(configError({ LOG_LEVEL: 'loud' }), /^LOG_LEVEL must be one of fatal, error/);
    assert.match(configError({ TRANSFER_ALLOW: '^(unclosed' }), /TRANSFER_ALLOW entry "\^\(unclosed" is not a valid regular expression/);
    assert.match(configError({ HOTLINE_CONFIG: tempFile('c.yaml', 'prot: 1\n') }), /unknown setting `prot`/);
    assert.match(configError({ HOTLINE_CONFIG: tempFile('c.yaml', 'port: 0\n') }), /port \(in .*c\.yaml\) must be an integer from 1 to 65535 \(got 0\)/);
    assert.match(configError({ HOTLINE_CONFIG: '/nonexistent/hotline.yaml' }), /cannot be read/);
    assert.match(configError({ HOTLINE_CONFIG: tempFile('c.json', '{bad') }), /is not valid JSON/);
  });

  test('PBX=ari needs its connection settings', () => {
    assert.equal(configError({ PBX: 'ari', ARI_USERNAME: 'u' }), 'PBX=ari needs ARI_URL, ARI_USERNAME and ARI_PASSWORD (missing: ARI_URL, ARI_PASSWORD)');
    const c = loadConfig({ env: { PBX: 'ari', ARI_URL: 'http://127.0.0.1:8088', ARI_USERNAME: 'u', ARI_PASSWORD: 'p' } });
    assert.equal(c.ari?.app, 'hotline');
  });

  test('PBX=esl refuses the ClueCon default password', () => {
    assert.match(configError({ PBX: 'esl', ESL_HOST: '127.0.0.1', ESL_PASSWORD: 'ClueCon' }), /must not be the FreeSWITCH default "ClueCon"/);
    assert.match(configError({ PBX: 'esl', ESL_HOST: '127.0.0.1' }), /PBX=esl needs ESL_PASSWORD/);
    const c = loadConfig({ env: { PBX: 'esl', ESL_HOST: '127.0.0.1', ESL_PASSWORD: 'x-strong' } });
    assert.deepEqual(c.esl, { port: 8021, listen: '127.0.0.1:8084', host: '127.0.0.1', password: 'x-strong' });
  });

  test('the result is deeply frozen', () => {
    const c = loadConfig({ env: { PBX: 'ari', ARI_URL: 'http://a', ARI_USERNAME: 'u', ARI_PASSWORD: 'p' } });
    assert.ok(Object.isFrozen(c));
    assert.ok(Object.isFrozen(c.settings));
    assert.ok(Object.isFrozen(c.transferAllow));
    assert.throws(() => {
      (c as { port: number }).port = 1;
    }, TypeError);
    assert.throws(() => {
      (c.ari as { password: string }).password = 'x';
    }, TypeError);
  });

  test('redactedConfig hides secrets', () => {
    const c = loadConfig({ env: { PBX: 'ari', ARI_URL: 'http://a', ARI_USERNAME: 'u', ARI_PASSWORD: 'ari-secret', HOTLINE_ADMIN_TOKEN: 'admin-secret-token-123', REDIS_URL: 'redis://user:redis-pw@h:6379' } });
    const text = JSON.stringify(redactedConfig(c));
    for (const secret of ['ari-secret', 'admin-secret-token-123', 'redis-pw']) assert.ok(!text.includes(secret), secret);
    assert.match(text, /"username":"u"/);
  });

  test('splitRegexList keeps quantifier commas', () => {
    assert.deepEqual(splitRegexList('^\\d{3,4}$, ^[a,b]$ ,^(x|y)$'), ['^\\d{3,4}$', '^[a,b]$', '^(x|y)$']);
  });
});
