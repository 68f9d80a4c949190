// Baseline for `tree` on a docker-archive: a plain header-only walk of the tar (512-byte headers,
// seek past data, minimal parsing). Usage: node dist/bench/baselines/tarWalk.js ARCHIVE.tar
import { walkTar } from '../lib/tar';

const path = process.argv[2];
if (!path) {
  process.stderr.write('usage: tarWalk ARCHIVE.tar\n');
  process.exit(2);
}
let members = 0;
let bytes = 0;
for (const member of walkTar(path)) {
  members++;
  bytes += member.size;
}
process.stdout.write(`${members} members, ${bytes} bytes of data\n`);
