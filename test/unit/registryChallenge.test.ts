import * as assert from 'node:assert/strict';
import { parseChallenges } from '../../src/core/registry/challenge';
import { nextLink } from '../../src/core/registry/link';
import { parseRetryAfter, retryDelay, DEFAULT_RETRY, isRetryableStatus } from '../../src/core/registry/retry';

describe('registry: WWW-Authenticate tokenizer', () => {
  it('reads Docker Hub\'s Bearer challenge', () => {
    assert.deepEqual(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"'), [
      { scheme: 'bearer', params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' } },
    ]);
  });

  it('keeps commas inside quoted strings and splits several challenges', () => {
    const challenges = parseChallenges('Bearer realm="https://a.example/token?x=1,2",scope="repository:a:pull,push" , Basic realm="Registry Realm", Newauth realm="apps", type=1, title="Login to \\"apps\\""');
    assert.deepEqual(challenges, [
      { scheme: 'bearer', params: { realm: 'https://a.example/token?x=1,2', scope: 'repository:a:pull,push' } },
      { scheme: 'basic', params: { realm: 'Registry Realm' } },
      { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
    ]);
  });

  it('reads token68, unquoted values, case and white space variants', () => {
    assert.deepEqual(parseChallenges('Negotiate abc123==, BASIC Realm = x'), [
      { scheme: 'negotiate', params: {}, token68: 'abc123==' },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
    assert.deepEqual(parseChallenges('Basic'), [{ scheme: 'basic', params: {} }]);
    assert.deepEqual(parseChallenges('Basic, Bearer realm="r"'), [
      { scheme: 'basic', params: {} },
      { scheme: 'bearer', params: { realm: 'r' } },
    ]);
  });

  it('survives malformed headers without throwing', () => {
    for (const header of ['', '   ', ',,,', 'Bearer realm="unterminated', 'Bearer realm=', '=oops', 'Bearer ,,, realm="x"', '"quoted"', 'Bearer realm="a\\']) {
      assert.doesNotThrow(() => parseChallenges(header), header);
    }
    assert.deepEqual(parseChallenges('Bearer realm="unterminated, service="x"')[0], { scheme: 'bearer', params: { realm: 'unterminated, service=' } });
    assert.deepEqual(parseChallenges(undefined), []);
  });

  it('reads random challenge lists back (property, 500 cases)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    for (let index = 0; index < 500; index++) {
      const expected = Array.from({ length: 1 + Math.floor(random() * 3) }, () => {
        const params: Record<string, string> = {};
        for (let count = Math.floor(random() * 4); count > 0; count--) params[pick(['realm', 'service', 'scope', 'error', 'x-y'])] = pick(['', 'a,b', 'with "quote"', 'back\\slash', 'https://h/t?a=1&b=2', 'repository:a/b:pull,push']);
        return { scheme: pick(['bearer', 'basic', 'digest']), params };
      });
      const header = expected.map((challenge) => `${challenge.scheme}${Object.keys(challenge.params).length ? ' ' : ''}${Object.entries(challenge.params).map(([key, value]) => `${key}${pick(['=', ' = '])}"${value.replace(/["\\]/g, '\\$&')}"`).join(pick([',', ', ', ' ,']))}`).join(pick([', ', ',']));
      assert.deepEqual(parseChallenges(header), expected, header);
    }
  });
});

describe('registry: Link pagination and retry timing', () => {
  it('finds rel="next", relative or absolute on the same origin', () => {
    assert.equal(nextLink('</v2/x/tags/list?last=b&n=2>; rel="next"', 'http://127.0.0.1:5000/v2/x/tags/list?n=2')?.toString(), 'http://127.0.0.1:5000/v2/x/tags/list?last=b&n=2');
    assert.equal(nextLink('<http://127.0.0.1:5000/v2/x/tags/list?last=c>; rel=next', 'http://127.0.0.1:5000/v2/x/tags/list')?.search, '?last=c');
    assert.equal(nextLink('</a>; rel="prev", </b>; rel="next last"', 'http://h/')?.pathname, '/b');
    assert.equal(nextLink('</a>; rel="prev"', 'http://h/'), undefined);
    assert.equal(nextLink(undefined, 'http://h/'), undefined);
  });

  it('refuses a next link to another host (it would carry the token)', () => {
    assert.throws(() => nextLink('<https://evil.example/v2/x/tags/list>; rel="next"', 'https://registry.example/v2/x/tags/list'), /another host/);
  });

  it('parses Retry-After as seconds or an HTTP date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    assert.equal(parseRetryAfter(new Date(10_000 + 5000).toUTCString(), 10_000), 5000);
    assert.equal(parseRetryAfter('soon'), undefined);
    assert.equal(parseRetryAfter(undefined), undefined);
  });

  it('backs off exponentially with full jitter, capped, and prefers Retry-After', () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(attempt, undefined, policy, () => 0.999999)), [99, 199, 399, 799, 999, 999]);
    assert.equal(retryDelay(3, undefined, policy, () => 0), 0);
    assert.equal(retryDelay(1, 2500, policy, () => 0.5), 2500);
    assert.deepEqual([408, 429, 500, 502, 503, 504, 501, 404, 401].map(isRetryableStatus), [true, true, true, true, true, true, false, false, false]);
  });
});
