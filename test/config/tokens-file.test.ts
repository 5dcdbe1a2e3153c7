import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, redactedConfig } from '../../src/config/load-config.ts';
import { loadTokensFile, parseTokens, tokenDigest } from '../../src/config/tokens-file.ts';
import { isHotlineError } from '../../src/core/errors.ts';
import { configError } from './config-error.ts';

const SUE = 'sue-secret-token-0123456789';
const ALICE = 'alice-secret-token-0123456789';

function tempFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'hotline-tokens-')), name);
  writeFileSync(file, text);
  return file;
}

/** The message of the HOTLINE_ERR_CONFIG that parsing `data` throws. */
function tokensError(data: unknown): string {
  try {
    parseTokens(data, 'tokens.yaml');
  } catch (err) {
    assert.ok(isHotlineError(err, 'HOTLINE_ERR_CONFIG'), String(err));
    return err.message;
  }
  assert.fail('expected a config error');
}

describe('tokens file', () => {
  test('YAML: supervisors, agents and admins, with plain tokens or digests', () => {
    const file = tempFile('tokens.yaml', [
      '- name: sue',
      '  role: supervisor',
      '  queues: [billing, support]',
      `  token: ${SUE}`,
      '- name: max',
      '  role: supervisor',
      "  queues: '*'",
      `  tokenSha256: ${tokenDigest('max-secret-token-0123456789').toUpperCase()}`,
      '- name: alice',
      '  role: agent',
      '  agentId: alice',
      `  token: ${ALICE}`,
      '- name: ops',
      '  role: admin',
      '  token: ops-secret-token-0123456789',
    ].join('\n'));
    const tokens = loadTokensFile(file);
    assert.deepEqual(tokens.map((t) => ({ ...t })), [
      { name: 'sue', role: 'supervisor', queues: ['billing', 'support'], tokenSha256: tokenDigest(SUE) },
      { name: 'max', role: 'supervisor', queues: '*', tokenSha256: tokenDigest('max-secret-token-0123456789') },
      { name: 'alice', role: 'agent', queues: [], agentId: 'alice', tokenSha256: tokenDigest(ALICE) },
      { name: 'ops', role: 'admin', queues: '*', tokenSha256: tokenDigest('ops-secret-token-0123456789') },
    ]);
    assert.ok(Object.isFrozen(tokens[0]));
    assert.ok(!JSON.stringify(tokens).includes(SUE), 'the plain token is not kept');
  });

  test('JSON, also as { tokens: [...] }', () => {
    const file = tempFile('tokens.json', JSON.stringify({ tokens: [{ name: 'sue', role: 'supervisor', queues: ['billing'], token: SUE }] }));
    assert.equal(loadTokensFile(file)[0]!.name, 'sue');
  });

  test('each rule has a precise error naming the entry and never quoting a token', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ name: 'sue' }, /must contain a list of tokens/],
      [['x'], /entry 1: must be an object/],
      [[{ name: 'sue', role: 'supervisor', queues: ['billing'] }], /entry 1 \("sue"\): needs exactly one of `token` and `tokenSha256`/],
      [[{ name: 'sue', role: 'supervisor', queues: ['billing'], token: SUE, tokenSha256: tokenDigest(SUE) }], /needs exactly one of `token` and `tokenSha256`/],
      [[{ name: 'sue', role: 'supervisor', queues: ['billing'], token: 'short-secret' }], /`token` must be at least 16 characters \(got 12\)/],
      [[{ name: 'sue', role: 'supervisor', queues: ['billing'], token: 'with space 0123456789' }], /must not contain white space/],
      [[{ name: 'sue', role: 'supervisor', queues: ['billing'], tokenSha256: 'abc' }], /`tokenSha256` must be 64 hexadecimal digits/],
      [[{ name: 'sue', role: 'supervisor', token: SUE }], /a supervisor needs `queues`/],
      [[{ name: 'sue', role: 'supervisor', queues: [], token: SUE }], /`queues` must be "\*" or a non-empty list/],
      [[{ name: 'sue', role: 'supervisor', queues: ['Billing'], token: SUE }], /`queues` must be "\*" or a non-empty list/],
      [[{ name: 'sue', role: 'supervisor', queues: ['a', 'a'], token: SUE }], /distinct queue names/],
      [[{ name: 'alice', role: 'agent', token: ALICE }], /entry 1 \("alice"\): an agent needs `agentId`/],
      [[{ name: 'alice', role: 'agent', agentId: 'alice', queues: ['billing'], token: ALICE }], /`queues` is for supervisors only/],
      [[{ name: 'sue', role: 'supervisor', queues: '*', agentId: 'sue', token: SUE }], /`agentId` is for agent tokens only/],
      [[{ name: 'sue', role: 'boss', token: SUE }], /`role` must be one of admin, supervisor, agent/],
      [[{ name: 'a b', role: 'admin', token: SUE }], /entry 1: `name` must be 1 to 64 letters/],
      [[{ name: 'admin', role: 'admin', token: SUE }], /`name` "admin" is reserved/],
      [[{ name: 'sue', role: 'admin', token: SUE, password: 'x' }], /unknown field "password"/],
      [[{ name: 'sue', role: 'admin', token: SUE }, { name: 'sue', role: 'admin', token: ALICE }], /entry 2 \("sue"\): name "sue" is already used by entry 1/],
      [[{ name: 'sue', role: 'admin', token: SUE }, { name: 'bob', role: 'admin', tokenSha256: tokenDigest(SUE) }], /entry 2 \("bob"\): has the same token as "sue"/],
    ];
    for (const [data, reason] of cases) {
      const message = tokensError(data);
      assert.match(message, reason, JSON.stringify(data));
      assert.match(message, /^tokens\.yaml/);
      for (const secret of [SUE, ALICE, 'short-secret', 'with space 0123456789']) assert.ok(!message.includes(secret), `${message} quotes a token`);
    }
  });

  test('every problem of the file is reported at once', () => {
    const message = tokensError([{ name: 'sue', role: 'supervisor', token: SUE }, { name: 'alice', role: 'agent', token: 'x' }]);
    assert.match(message, /entry 1 \("sue"\): a supervisor needs `queues`.*; entry 2 \("alice"\): an agent needs `agentId`.*; entry 2 \("alice"\): `token` must be at least 16/);
  });

  test('YAML syntax errors do not echo the file (it holds tokens)', () => {
    const file = tempFile('tokens.yaml', `- name: sue\n  token: ${SUE}\n   role: [oops`);
    const message = configError({ HOTLINE_TOKENS_FILE: file });
    assert.match(message, /HOTLINE_TOKENS_FILE .*tokens\.yaml is not valid YAML/);
    assert.ok(!message.includes(SUE));
    assert.match(configError({ HOTLINE_TOKENS_FILE: join(tmpdir(), 'no-such-dir-hotline', 'tokens.yaml') }), /HOTLINE_TOKENS_FILE .* cannot be read/);
  });
});

describe('loadConfig and HOTLINE_TOKENS_FILE', () => {
  test('loads the principals at boot; without a file there are none', () => {
    const file = tempFile('tokens.yaml', `- { name: sue, role: supervisor, queues: [billing], token: ${SUE} }\n`);
    const config = loadConfig({ env: { HOTLINE_TOKENS_FILE: file } });
    assert.equal(config.tokensFile, file);
    assert.deepEqual(config.apiTokens?.map((t) => t.name), ['sue']);
    assert.ok(Object.isFrozen(config.apiTokens));
    assert.deepEqual(loadConfig({ env: {} }).apiTokens, []);
  });

  test('a token equal to the admin token is refused', () => {
    const file = tempFile('tokens.yaml', `- { name: sue, role: supervisor, queues: [billing], token: ${SUE} }\n`);
    const message = configError({ HOTLINE_TOKENS_FILE: file, HOTLINE_ADMIN_TOKEN: SUE });
    assert.match(message, /"sue" has the admin token/);
    assert.ok(!message.includes(SUE));
  });

  test('the boot log shows who may call the API, not their token digests', () => {
    const file = tempFile('tokens.yaml', `- { name: sue, role: supervisor, queues: [billing], token: ${SUE} }\n`);
    const shown = JSON.stringify(redactedConfig(loadConfig({ env: { HOTLINE_TOKENS_FILE: file } })));
    assert.match(shown, /"name":"sue","role":"supervisor"/);
    assert.ok(!shown.includes(tokenDigest(SUE)));
    assert.ok(!shown.includes(SUE));
  });
});
