/**
 * Layers from the third-party corpus (../shared/corpus, README section 6b and the images of
 * sections 1-3): zstd, gzip, uncompressed and eStargz layers inside real archives, and bare layer
 * files (GNU long names, PAX, ISO-8859 names, every entry type). Each is compared with GNU tar.
 * Skipped, saying so, when the corpus is absent.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { LayerStore } from '../../src/core/layers/layerStore';
import { openSource } from '../../src/core/sources/openSource';
import { listTar } from './support/tools';
import { compareWithGnuTar, FileBlobSource, layersOf, temporaryDirectory } from './layerTestHelpers';

const CORPUS = path.resolve(__dirname, '../../../shared/corpus');

/** Archives whose layers we index (compression noted as the README finds it). */
const ARCHIVES = [
  'wagoodman__dive/.data/test-oci-zstd-image.tar', // zstd layer, buildx
  'wagoodman__dive/.data/test-oci-uncompressed-image.tar', // uncompressed OCI layer
  'wagoodman__dive/.data/test-oci-gzip-image.tar',
  'wagoodman__dive/.data/test-docker-image.tar', // 14 layers, 392 hard links, whiteouts
  'google__go-containerregistry/pkg/v1/mutate/testdata/whiteout_dir.tar', // gzip layers named <digest>.tar.gz
  'google__go-containerregistry/pkg/v1/mutate/testdata/whiteout_image.tar', // an empty 10240-byte layer
  'aquasecurity__trivy/pkg/fanal/test/testdata/alpine-310.tar.gz', // a whole gzipped docker save
  'snyk__snyk-docker-plugin/test/fixtures/docker-archives/docker-save/gemfile.tar', // layer.tar that is really gzip
  'snyk__snyk-docker-plugin/test/fixtures/kaniko-archives/kaniko-busybox.tar', // first entry '/'
];

/** Bare layer files. */
const LAYER_FILES = [
  'google__go-containerregistry/pkg/crane/testdata/content.tar.zst',
  'wagoodman__dive/.data/test-zstd-image.tar', // despite its name, a bare tar holding README.md
  'regclient__regclient/testdata/layer.tar',
  'regclient__regclient/testdata/layer-wh.tar',
  'aquasecurity__trivy/pkg/fanal/walker/testdata/test.tar',
  'google__osv-scalibr/artifact/image/unpack/testdata/escape.tar',
  'snyk__snyk-docker-plugin/test/fixtures/extracted-layers/layer_with_bad_elf_file.tar',
  'vbatts__tar-split/tar/asm/testdata/longlink.tar.gz',
  'vbatts__tar-split/tar/asm/testdata/fatlonglink.tar.gz',
  'vbatts__tar-split/tar/asm/testdata/iso-8859.tar.gz',
];

const GO_TAR_TESTDATA = 'vbatts__tar-split/archive/tar/testdata';
/**
 * Where GNU tar and we differ by design: it lists PAX global headers ('g') as members, and cuts a
 * PAX path at a NUL where we (like Go's archive/tar, whose test this is) refuse the archive.
 */
const LISTED_DIFFERENTLY = new Set(['pax-global-records.tar', 'pax-nul-path.tar']);

describe('layers: third-party corpus', function () {
  this.timeout(600_000);
  let workDir: string;
  before(function () {
    if (!existsSync(CORPUS)) {
      console.log(`    (skipped: the corpus is not at ${CORPUS})`);
      this.skip();
    }
  });
  beforeEach(() => (workDir = temporaryDirectory('cie-layer-corpus-')));
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  for (const archive of ARCHIVES) {
    it(archive, async function () {
      const location = path.join(CORPUS, archive);
      if (!existsSync(location)) this.skip();
      const source = await openSource(location);
      try {
        const store = new LayerStore({ span: 64 * 1024 });
        for (const layer of await layersOf(source)) await compareWithGnuTar(store, source, layer, workDir);
      } finally {
        await source.close();
      }
    });
  }

  for (const file of LAYER_FILES) {
    it(file, async function () {
      const location = path.join(CORPUS, file);
      if (!existsSync(location)) this.skip();
      const source = new FileBlobSource(location);
      await compareWithGnuTar(new LayerStore(), source, source.descriptor(), workDir);
    });
  }

  it(`${GO_TAR_TESTDATA}/*.tar that GNU tar lists`, async function () {
    const dir = path.join(CORPUS, GO_TAR_TESTDATA);
    if (!existsSync(dir)) this.skip();
    let compared = 0;
    for (const name of readdirSync(dir).filter((file) => file.endsWith('.tar'))) {
      const location = path.join(dir, name);
      if (LISTED_DIFFERENTLY.has(name) || listTar(location).error !== undefined) continue; // Go's tests expect some to fail
      const source = new FileBlobSource(location);
      await compareWithGnuTar(new LayerStore(), source, source.descriptor(), workDir);
      compared++;
    }
    if (compared < 10) throw new Error(`only ${compared} archives compared`);
  });
});
