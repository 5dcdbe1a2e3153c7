import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createNumberPolicy, DEFAULT_CALLBACK_ALLOW, normaliseNumber } from '../../src/core/callback/number-policy.ts';
import { isHotlineError } from '../../src/core/errors.ts';

describe('normaliseNumber', () => {
  const good: Array<[string, string]> = [
    ['2125550123', '+12125550123'],
    ['12125550123', '+12125550123'],
    ['+12125550123', '+12125550123'],
    ['(212) 555-0123', '+12125550123'],
    ['1.212.555.0123', '+12125550123'],
    ['+44 20 7123 4567', '+442071234567'],
  ];
  for (const [raw, want] of good) it(`${raw} → ${want}`, () => assert.equal(normaliseNumber(raw), want));

  const bad = ['', '555', '0125550123', '1125550123', '22125550123', '+0123456789', '+1234567890123456', 'sip:2125550123@evil', '2125550123;x=1', '212*555*0123', '2125550123#', '$(reboot)'];
  for (const raw of bad) {
    it(`refuses ${JSON.stringify(raw)}`, () => {
      assert.throws(() => normaliseNumber(raw), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_NUMBER_DENIED') && err.details?.reason === 'invalid');
    });
  }
});

describe('createNumberPolicy', () => {
  it('default: NANP only, no 900 area code, no 976 exchange', () => {
    const policy = createNumberPolicy();
    assert.equal(policy.check('2125550123'), '+12125550123');
    for (const raw of ['9005550123', '+12129760123', '+442071234567']) {
      assert.throws(() => policy.check(raw), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_NUMBER_DENIED') && err.details?.reason === 'not-allowed');
    }
  });

  it('international only when the allowlist says so', () => {
    const policy = createNumberPolicy([...DEFAULT_CALLBACK_ALLOW, '^\\+44\\d{10}$']);
    assert.equal(policy.check('+44 20 7123 4567'), '+442071234567');
    assert.throws(() => policy.check('+33123456789'), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_NUMBER_DENIED'));
  });

  it('errors show at most the last 4 digits', () => {
    for (const raw of ['+19005550123', '+442071234567', 'sip:2125550123@evil', '2125550123#']) {
      try {
        createNumberPolicy().check(raw);
        assert.fail('accepted');
      } catch (err) {
        assert.ok(isHotlineError(err, 'HOTLINE_ERR_NUMBER_DENIED'));
        const text = JSON.stringify(err.toJSON());
        assert.ok(!/\d{5,}/.test(text), text);
        assert.ok(!text.includes('sip') && !text.includes('evil'), text);
        assert.match(String(err.details?.last4), /^\d{0,4}$/);
      }
    }
  });

  it('a pattern that does not compile is a config error', () => {
    assert.throws(() => createNumberPolicy(['(']), (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_CONFIG'));
  });
});
