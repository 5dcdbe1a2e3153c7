import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHotlineError } from '../../src/core/errors.ts';
import { countDiagnostics, formatDiagnostic, hasErrors, sortDiagnostics } from '../../src/core/flow/diagnostics.ts';
import type { Diagnostic } from '../../src/core/flow/diagnostics.ts';
import { parseDuration } from '../../src/core/flow/duration.ts';
import { closestMatch, didYouMean, editDistance } from '../../src/core/flow/suggest.ts';

describe('parseDuration', () => {
  it('reads seconds as numbers and strings with units', () => {
    assert.equal(parseDuration(5), 5000);
    assert.equal(parseDuration(0.5), 500);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('5s'), 5000);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('1h'), 3_600_000);
  });

  it('rejects anything else with a coded, explanatory error', () => {
    for (const bad of ['5', '5 sec', '-1s', 'abc', '', -1, Number.NaN]) {
      assert.throws(
        () => parseDuration(bad),
        (err: unknown) => isHotlineError(err, 'HOTLINE_ERR_FLOW_INVALID') && /use seconds as a number/.test(err.message),
        String(bad),
      );
    }
  });
});

describe('suggestions', () => {
  it('measures edits, counting a transposition as one', () => {
    assert.equal(editDistance('biling', 'billing'), 1);
    assert.equal(editDistance('dnoe', 'done'), 1);
    assert.equal(editDistance('', 'abc'), 3);
    assert.equal(editDistance('same', 'same'), 0);
  });

  it('suggests the closest plausible candidate only', () => {
    assert.equal(closestMatch('biling', ['billing', 'support']), 'billing');
    assert.equal(closestMatch('bargein', ['prompt', 'bargeIn']), 'bargeIn');
    assert.equal(closestMatch('xyz', ['billing', 'support']), undefined);
    assert.equal(didYouMean('suport', ['support']), 'did you mean `support`?');
    assert.equal(didYouMean('support', ['support']), undefined);
  });
});

describe('diagnostics', () => {
  const d: Diagnostic = {
    file: 'flows/support.yaml',
    line: 12,
    column: 11,
    severity: 'error',
    code: 'unknown-step',
    message: 'unknown step `biling`',
    hint: 'did you mean `billing`?',
  };

  it('formats as file:line:column: severity: message — hint', () => {
    assert.equal(formatDiagnostic(d), 'flows/support.yaml:12:11: error: unknown step `biling` — did you mean `billing`?');
    const { hint: _hint, ...bare } = d;
    assert.equal(formatDiagnostic({ ...bare, severity: 'warning' }), 'flows/support.yaml:12:11: warning: unknown step `biling`');
  });

  it('counts, detects errors and sorts by file and position', () => {
    const w: Diagnostic = { ...d, severity: 'warning', line: 3 };
    const other: Diagnostic = { ...d, file: 'flows/a.yaml', line: 40 };
    assert.deepEqual(countDiagnostics([d, w, other]), { errors: 2, warnings: 1 });
    assert.equal(hasErrors([w]), false);
    assert.equal(hasErrors([w, d]), true);
    assert.deepEqual(sortDiagnostics([d, w, other]), [other, w, d]);
  });
});
