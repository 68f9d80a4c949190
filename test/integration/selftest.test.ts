import * as assert from 'node:assert/strict';

// Proves the harness reports failures: scripts/runner-selftest.sh runs only this suite with
// CIE_SELFTEST_FAIL=1 and expects the runner to exit 1. Registered only then.
if (process.env.CIE_SELFTEST_FAIL === '1') {
  describe('harness self-test', () => {
    it('fails on purpose (CIE_SELFTEST_FAIL=1)', () => {
      assert.fail('deliberate failure: the runner must exit 1');
    });
  });
}
