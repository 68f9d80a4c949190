/** The provider's cache of made documents: stat and readFile make a formatted or decoded document once. */
import * as assert from 'node:assert/strict';
import { DerivedDocuments } from '../../src/vscode/derivedDocuments';

describe('vscode adapter: derived documents cache', () => {
  it('makes a document once for repeated looks at the same URI', async () => {
    const cache = new DerivedDocuments();
    let made = 0;
    const make = async () => {
      made++;
      return Buffer.from('{}');
    };
    await cache.get('a', make);
    await cache.get('a', make);
    assert.equal(made, 1);
  });

  it('keeps only the most recently used documents', async () => {
    const cache = new DerivedDocuments(2);
    const made: string[] = [];
    const make = (key: string) => async () => {
      made.push(key);
      return Buffer.from(key);
    };
    await cache.get('a', make('a'));
    await cache.get('b', make('b'));
    await cache.get('a', make('a')); // a is now the most recent
    await cache.get('c', make('c')); // evicts b
    await cache.get('a', make('a'));
    await cache.get('b', make('b'));
    assert.deepEqual(made, ['a', 'b', 'c', 'b']);
  });

  it('does not keep a failure', async () => {
    const cache = new DerivedDocuments();
    await assert.rejects(cache.get('a', async () => Promise.reject(new Error('source closed'))));
    assert.deepEqual(Buffer.from(await cache.get('a', async () => Buffer.from('ok'))).toString(), 'ok');
  });
});
