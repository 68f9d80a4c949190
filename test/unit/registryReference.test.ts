import * as assert from 'node:assert/strict';
import { isImageError } from '../../src/core/errors';
import { apiHost, formatReference, parseReference, parseRepository, stripTransport } from '../../src/core/registry/reference';

const HEX = 'a'.repeat(64);

describe('registry references', () => {
  // Expectations from the Docker CLI (`docker pull` normalisation, distribution/reference ParseNormalizedNamed).
  const table: Array<[string, string]> = [
    ['alpine', 'docker.io/library/alpine:latest'],
    ['alpine:3.20', 'docker.io/library/alpine:3.20'],
    ['library/alpine', 'docker.io/library/alpine:latest'],
    ['user/app', 'docker.io/user/app:latest'],
    ['docker.io/alpine', 'docker.io/library/alpine:latest'],
    ['index.docker.io/library/alpine:edge', 'docker.io/library/alpine:edge'],
    ['docker://alpine', 'docker.io/library/alpine:latest'],
    ['localhost/x', 'localhost/x:latest'],
    ['localhost:5000/x', 'localhost:5000/x:latest'],
    ['127.0.0.1:5000/x:1', '127.0.0.1:5000/x:1'],
    ['[::1]:5000/a/b:v2', '[::1]:5000/a/b:v2'],
    ['ghcr.io/o/r:tag', 'ghcr.io/o/r:tag'],
    [`ghcr.io/o/r:tag@sha256:${HEX}`, `ghcr.io/o/r:tag@sha256:${HEX}`],
    [`ghcr.io/o/r@sha256:${HEX}`, `ghcr.io/o/r@sha256:${HEX}`],
    [`alpine@sha256:${HEX}`, `docker.io/library/alpine@sha256:${HEX}`],
    ['Registry/x', 'Registry/x:latest'], // an uppercase first component can only be a host
    ['a.b-c/d__e/f--g/h.i:T_1.x-y', 'a.b-c/d__e/f--g/h.i:T_1.x-y'],
    ['quay.io/org/sub/repo:v1.2.3', 'quay.io/org/sub/repo:v1.2.3'],
  ];
  for (const [input, expected] of table) {
    it(`${input} → ${expected}`, () => assert.equal(formatReference(parseReference(input)), expected));
  }

  const invalid: Array<[string, RegExp]> = [
    ['', /empty/],
    ['docker://', /empty/],
    ['Alpine', /lowercase/],
    ['docker.io/Library/alpine', /lowercase/],
    ['alpine:', /tag after ":" is empty/],
    ['alpine:-x', /tag "-x" is not valid/],
    [`alpine:${'t'.repeat(129)}`, /is not valid/],
    ['alpine@sha256:abc', /is not a digest/],
    [`alpine@md5:${'a'.repeat(32)}`, /not supported/],
    [`alpine@sha256:${'A'.repeat(64)}`, /not supported/],
    ['https://ghcr.io/o/r', /no URL scheme/],
    ['ghcr.io//r', /empty component/],
    ['ghcr.io/r/', /empty component/],
    ['ghcr.io/-r', /not valid/],
    ['a b', /white space/],
    ['my_host:5000/x', /registry "my_host:5000"/],
    [`x/${'a'.repeat(260)}`, /more than 255/],
  ];
  for (const [input, problem] of invalid) {
    it(`rejects ${JSON.stringify(input.slice(0, 40))} saying ${problem}`, () => {
      assert.throws(() => parseReference(input), (error: unknown) => isImageError(error, 'invalid-reference') && problem.test(error.message) && error.message.includes('invalid reference'));
    });
  }

  it('maps docker.io to its API host and leaves others alone', () => {
    assert.equal(apiHost(parseReference('alpine').registry), 'registry-1.docker.io');
    assert.equal(apiHost(parseReference('ghcr.io/o/r').registry), 'ghcr.io');
    assert.equal(apiHost(parseReference('localhost:5000/x').registry), 'localhost:5000');
  });

  it('parses repositories for tags and refuses a tag or digest there', () => {
    assert.deepEqual(parseRepository('alpine'), { registry: 'docker.io', repository: 'library/alpine' });
    assert.deepEqual(parseRepository('docker://127.0.0.1:5000/a/b'), { registry: '127.0.0.1:5000', repository: 'a/b' });
    assert.throws(() => parseRepository('alpine:latest'), /no tag or digest/);
    assert.throws(() => parseRepository(`alpine@sha256:${HEX}`), /no tag or digest/);
  });

  it('round-trips: formatting a parsed reference and parsing it again is the identity (property, 2000 cases)', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
    const component = () => {
      const alnum = 'abcdefghijklmnopqrstuvwxyz0123456789';
      const word = () => Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick([...alnum])).join('');
      let text = word();
      for (let i = Math.floor(random() * 3); i > 0; i--) text += pick(['.', '_', '__', '-', '--']) + word();
      return text;
    };
    const hosts = ['', 'localhost', 'localhost:5000', '127.0.0.1:5000', 'ghcr.io', 'registry.example.com:443', '[::1]:5000', 'docker.io', 'index.docker.io', 'UPPER.example'];
    for (let index = 0; index < 2000; index++) {
      const host = pick(hosts);
      const path = Array.from({ length: 1 + Math.floor(random() * 3) }, component).join('/');
      const tag = random() < 0.6 ? `:${pick(['latest', 'v1.2', 'X_9', component()])}` : '';
      const digest = random() < 0.3 ? `@sha256:${Array.from({ length: 64 }, () => pick([...'0123456789abcdef'])).join('')}` : '';
      const input = `${random() < 0.2 ? 'docker://' : ''}${host ? `${host}/` : ''}${path}${tag}${digest}`;
      const parsed = parseReference(input);
      const again = parseReference(formatReference(parsed));
      assert.deepEqual(again, parsed, input);
      assert.ok(!formatReference(parsed).startsWith('index.docker.io'), input);
      if (!digest && !tag) assert.equal(parsed.tag, 'latest', input);
      if (digest && !tag) assert.equal(parsed.tag, undefined, input);
    }
  });

  it('strips the docker:// transport only at the start', () => {
    assert.equal(stripTransport('docker://a/b'), 'a/b');
    assert.equal(stripTransport('a/docker://b'), 'a/docker://b');
  });
});
