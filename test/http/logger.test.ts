import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../src/observability/logger.ts';
import { captureLines } from './fakes.ts';

test('the root logger writes JSON lines and redacts secrets and card data', () => {
  const out = captureLines();
  const logger = createLogger({ level: 'info', destination: out.stream });
  logger.child({ reqId: 'r1' }).info(
    {
      ari: { url: 'http://a', password: 'ari-pw' },
      token: 'tok-1',
      headers: { authorization: 'Bearer tok-2' },
      payment: { card: '4111111111111111', cvv: '123', expiry: '1230', amount: 5 },
      input: { secure: '4111111111111111' },
    },
    'boot',
  );
  logger.debug('hidden at info');
  const lines = out.lines();
  assert.equal(lines.length, 1);
  const [line] = lines;
  assert.equal(line!.level, 'info');
  assert.equal(line!.reqId, 'r1');
  assert.equal(line!.msg, 'boot');
  assert.equal(line!.ari.password, '[Redacted]');
  assert.equal(line!.ari.url, 'http://a');
  assert.equal(line!.token, '[Redacted]');
  assert.equal(line!.headers.authorization, '[Redacted]');
  assert.equal(line!.payment.card, '[Redacted]');
  assert.equal(line!.payment.cvv, '[Redacted]');
  assert.equal(line!.payment.amount, 5);
  assert.equal(line!.input.secure, '[Redacted]');
  assert.doesNotMatch(JSON.stringify(lines), /ari-pw|tok-1|tok-2|4111111111111111/);
});

test('LOG_LEVEL controls what is written', () => {
  const out = captureLines();
  const logger = createLogger({ level: 'warn', destination: out.stream });
  logger.info('no');
  logger.warn('yes');
  assert.deepEqual(out.lines().map((l) => l.msg), ['yes']);
});
