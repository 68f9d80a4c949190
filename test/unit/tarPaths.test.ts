import * as assert from 'node:assert/strict';
import { checkEntryPath, normalizeEntryPath, resolveLinkTarget } from '../../src/core/tar/paths';

describe('tar entry paths', () => {
  it('gives a clean relative path: no leading / or ./, no empty or . segments, no trailing /', () => {
    const cases: Array<[string, string]> = [
      ['etc/passwd', 'etc/passwd'],
      ['./etc/passwd', 'etc/passwd'],
      ['/etc/passwd', 'etc/passwd'],
      ['//etc//passwd', 'etc/passwd'],
      ['././etc/./passwd', 'etc/passwd'],
      ['usr/lib/', 'usr/lib'],
      ['./', ''],
      ['.', ''],
      ['/', ''],
      ['', ''],
      ['.bashrc', '.bashrc'],
      ['a/.hidden/..data', 'a/.hidden/..data'],
      ['a/b/../c', 'a/c'],
      ['a/..', ''],
      ['...', '...'],
      ['caf\u00e9/\u263a', 'caf\u00e9/\u263a'],
      ['back\\slash', 'back\\slash'],
    ];
    for (const [stored, expected] of cases) assert.equal(normalizeEntryPath(stored), expected, JSON.stringify(stored));
  });

  it('refuses paths that climb above the root, or hold a NUL', () => {
    for (const stored of ['..', '../etc/passwd', './../x', 'a/../../x', '/../x', 'a/b/../../../x', 'x\0y']) {
      assert.equal(normalizeEntryPath(stored), undefined, JSON.stringify(stored));
    }
  });

  it('says what it found, so callers can report escapes, absolute paths and directory hints', () => {
    assert.deepEqual(checkEntryPath('../../etc/passwd'), { path: undefined, absolute: false, escapes: true, trailingSlash: false });
    assert.deepEqual(checkEntryPath('/usr/bin/'), { path: 'usr/bin', absolute: true, escapes: false, trailingSlash: true });
    assert.deepEqual(checkEntryPath('a/b'), { path: 'a/b', absolute: false, escapes: false, trailingSlash: false });
  });

  it('resolves link targets inside the image, clamping .. at the root like a container does', () => {
    assert.equal(resolveLinkTarget('usr/bin/sh', 'busybox'), 'usr/bin/busybox');
    assert.equal(resolveLinkTarget('./usr/bin/sh', '../../bin/busybox'), 'bin/busybox');
    assert.equal(resolveLinkTarget('usr/lib/libz.so', '/lib/libz.so.1'), 'lib/libz.so.1');
    assert.equal(resolveLinkTarget('usr/lib/x', '../../../../../etc/shadow'), 'etc/shadow');
    assert.equal(resolveLinkTarget('top', 'other'), 'other');
    assert.equal(resolveLinkTarget('../evil', 'x'), undefined);
  });
});
