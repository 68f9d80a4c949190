/**
 * A real CNCF distribution registry (Debian's `docker-registry`) on 127.0.0.1 for the registry
 * tests, in three configurations (anonymous HTTP, htpasswd Basic auth, token auth with a JWT
 * issuer defined here), plus the small servers the tests put around it: a counting and
 * fault-injecting proxy and a plain fake server. Everything listens on 127.0.0.1 only, every
 * loop is bounded, and every `stop()` ends its process or server.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, createSign, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const REGISTRY_BINARY = '/usr/bin/docker-registry';
export const FIXTURES = path.resolve(__dirname, '../../fixtures/generated');

export function haveRegistryTools(): boolean {
  return ['docker-registry', 'skopeo', 'openssl'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}

/** `user:bcrypt` lines: Debian's htpasswd (apache2-utils), else Python's crypt (libxcrypt bcrypt). */
export function htpasswdLine(user: string, password: string): string {
  const htpasswd = spawnSync('htpasswd', ['-Bbn', user, password], { encoding: 'utf8' });
  if (htpasswd.status === 0) return htpasswd.stdout.trim();
  const python = spawnSync('python3', ['-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH)))', password], { encoding: 'utf8' });
  if (python.status === 0 && python.stdout.startsWith('$2')) return `${user}:${python.stdout.trim()}`;
  throw new Error('cannot make a bcrypt htpasswd line: install apache2-utils (htpasswd)');
}

/** A self-signed certificate and its key (for the token issuer, and for a TLS server the client must refuse). */
export function selfSignedCertificate(directory: string, commonName: string): { cert: string; key: string; certPem: string; keyPem: string } {
  const cert = path.join(directory, `${commonName}.crt`);
  const key = path.join(directory, `${commonName}.key`);
  const result = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', `/CN=${commonName}`, '-addext', 'subjectAltName=IP:127.0.0.1'], { encoding: 'utf8', timeout: 60_000 });
  if (result.status !== 0) throw new Error(`openssl req failed: ${result.stderr}`);
  return { cert, key, certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8') };
}

export type RegistryAuth = { type: 'none' } | { type: 'htpasswd'; users: Record<string, string> } | { type: 'token'; realm: string; service: string; issuer: string; rootCertBundle: string };

export interface RunningRegistry {
  port: number;
  /** `127.0.0.1:PORT`, the registry part of references. */
  host: string;
  directory: string;
  stop(): Promise<void>;
  /** For a long-lived user (the benchmarks): no longer keeps the process alive; killed, its storage removed, when the process exits. */
  release(): void;
}

function registryConfig(port: number, storage: string, auth: RegistryAuth, directory: string): string {
  const lines = ['version: 0.1', 'log:', '  level: error', '  accesslog:', '    disabled: true', 'storage:', '  filesystem:', `    rootdirectory: ${storage}`, '  delete:', '    enabled: true', 'http:', `  addr: 127.0.0.1:${port}`, `  secret: ${randomBytes(16).toString('hex')}`];
  if (auth.type === 'htpasswd') {
    const file = path.join(directory, 'htpasswd');
    writeFileSync(file, `${Object.entries(auth.users).map(([user, password]) => htpasswdLine(user, password)).join('\n')}\n`);
    lines.push('auth:', '  htpasswd:', '    realm: test-registry', `    path: ${file}`);
  } else if (auth.type === 'token') {
    lines.push('auth:', '  token:', `    realm: ${auth.realm}`, `    service: ${auth.service}`, `    issuer: ${auth.issuer}`, `    rootcertbundle: ${auth.rootCertBundle}`);
  }
  return `${lines.join('\n')}\n`;
}

/** Starts `docker-registry serve` on a free port (retrying once if the port was taken meanwhile). */
export async function startRegistry(auth: RegistryAuth = { type: 'none' }): Promise<RunningRegistry> {
  const directory = mkdtempSync(path.join(tmpdir(), 'cie-registry-'));
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const config = path.join(directory, 'config.yml');
    writeFileSync(config, registryConfig(port, path.join(directory, 'storage'), auth, directory));
    const child = spawn(REGISTRY_BINARY, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 20_000) stderr += chunk.toString('utf8');
    });
    if (await waitForRegistry(port, child)) {
      const release = () => {
        child.unref();
        (child.stderr as net.Socket | null)?.unref(); // still read (a full pipe would stall it), no longer waited for
        process.once('exit', () => {
          child.kill('SIGKILL');
          rmSync(directory, { recursive: true, force: true });
        });
      };
      return { port, host: `127.0.0.1:${port}`, directory, stop: () => stopRegistry(child, directory), release };
    }
    await stopProcess(child);
    if (attempt === 3) {
      rmSync(directory, { recursive: true, force: true });
      throw new Error(`docker-registry did not start: ${stderr.slice(-2000)}`);
    }
  }
  throw new Error('unreachable');
}

async function waitForRegistry(port: number, child: ChildProcess): Promise<boolean> {
  for (let attempt = 0; attempt < 150; attempt++) {
    if (child.exitCode !== null) return false;
    const status = await new Promise<number | undefined>((resolve) => {
      const request = http.get({ host: '127.0.0.1', port, path: '/v2/', timeout: 1000 }, (response) => {
        response.resume();
        resolve(response.statusCode);
      });
      request.on('error', () => resolve(undefined));
      request.on('timeout', () => request.destroy());
    });
    if (status === 200 || status === 401) return true;
    await sleep(100);
  }
  return false;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

async function stopRegistry(child: ChildProcess, directory: string): Promise<void> {
  await stopProcess(child);
  rmSync(directory, { recursive: true, force: true });
}

/**
 * `skopeo copy` into the registry (`--all` keeps every platform and artifact of an index).
 * Asynchronous: the token server answering skopeo runs in this process.
 */
export async function skopeoPush(source: string, destination: string, options: { creds?: string; all?: boolean } = {}): Promise<void> {
  const args = ['copy', '--quiet', '--dest-tls-verify=false'];
  if (options.all ?? true) args.push('--all');
  if (options.creds) args.push('--dest-creds', options.creds);
  args.push(source, `docker://${destination}`);
  const child = spawn('skopeo', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 180_000 });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < 20_000) stderr += chunk.toString('utf8');
  });
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (exitCode, exitSignal) => resolve([exitCode, exitSignal]));
  });
  if (code !== 0) throw new Error(`skopeo ${args.map((arg) => (arg === options.creds ? '***' : arg)).join(' ')} failed (${signal ?? code}): ${stderr}`);
}

function sha256(bytes: Buffer | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}

/**
 * An OCI layout built here (jq-free, by hand) holding an artifact manifest whose `subject` is
 * `subject`, tagged `sbom`, and the referrers-tag-schema index (`sha256-<hex>`) listing it.
 */
export function buildArtifactLayout(directory: string, subject: { mediaType: string; digest: string; size: number }, artifactType: string): { layout: string; artifactDigest: string; fallbackTag: string; referrersIndex: Buffer } {
  const layout = path.join(directory, 'artifact-layout');
  const blobs = path.join(layout, 'blobs', 'sha256');
  spawnSync('mkdir', ['-p', blobs]);
  const put = (bytes: Buffer | string) => {
    const digest = sha256(bytes);
    writeFileSync(path.join(blobs, digest.slice(7)), bytes);
    return { digest, size: Buffer.byteLength(bytes) };
  };
  const empty = put('{}');
  const layer = put('{"spdxVersion":"SPDX-2.3","name":"fixture"}\n');
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', ...empty },
    layers: [{ mediaType: 'application/spdx+json', ...layer }],
    subject,
    annotations: { 'org.opencontainers.image.created': '2026-01-01T00:00:00Z' },
  });
  const artifact = put(manifest);
  const fallbackTag = `sha256-${subject.digest.slice(7)}`;
  // skopeo 1.9 rewrites an index it copies (dropping artifactType), so this one is PUT as is.
  const referrersIndex = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', artifactType, ...artifact }] }));
  writeFileSync(path.join(layout, 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  writeFileSync(path.join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...artifact, annotations: { 'org.opencontainers.image.ref.name': 'sbom' } }] }));
  return { layout, artifactDigest: artifact.digest, fallbackTag, referrersIndex };
}

/** `PUT /v2/<name>/manifests/<reference>` on an open registry (its blobs must be there). */
export async function putManifest(host: string, repository: string, reference: string, bytes: Buffer, mediaType: string): Promise<void> {
  const response = await fetch(`http://${host}/v2/${repository}/manifests/${reference}`, { method: 'PUT', headers: { 'Content-Type': mediaType }, body: bytes });
  if (response.status !== 201) throw new Error(`PUT manifest ${reference}: HTTP ${response.status} ${await response.text()}`);
}

// ---------------------------------------------------------------------------------------------
// Token server: Docker's token authentication, signing RS256 JWTs that the registry trusts
// through `rootcertbundle` (the certificate goes in the JWT's x5c header).

export interface TokenServerRequest {
  scopes: string[];
  account?: string;
  /** Whether Basic credentials came with it (never their value). */
  authenticated: boolean;
  status: number;
}

export interface TokenServer {
  port: number;
  realm: string;
  service: string;
  issuer: string;
  certificate: string;
  requests: TokenServerRequest[];
  stop(): Promise<void>;
}

function base64url(value: Buffer | string): string {
  return Buffer.from(value).toString('base64url');
}

/**
 * Grants what is asked to known users with the right password; anonymous callers get `pull`
 * on repositories outside `private/`; a wrong password is a 401.
 */
export async function startTokenServer(directory: string, users: Record<string, string>): Promise<TokenServer> {
  const { cert, keyPem, certPem } = selfSignedCertificate(directory, 'token-issuer');
  const der = certPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
  const service = 'cie-test-registry';
  const issuer = 'cie-test-issuer';
  const requests: TokenServerRequest[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const scopes = url.searchParams.getAll('scope');
    const header = request.headers.authorization ?? '';
    let user: string | undefined;
    if (header.startsWith('Basic ')) {
      const [name, ...rest] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
      if (users[name] === undefined || users[name] !== rest.join(':')) {
        requests.push({ scopes, account: url.searchParams.get('account') ?? undefined, authenticated: true, status: 401 });
        response.writeHead(401, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] }));
        return;
      }
      user = name;
    }
    const access = scopes.flatMap((scope) => {
      const [type, name, actions] = scope.split(':');
      if (type !== 'repository' || !name) return [];
      const granted = user ? (actions ?? '').split(',') : name.startsWith('private/') ? [] : (actions ?? '').split(',').filter((action) => action === 'pull');
      return [{ type, name, actions: granted }];
    });
    const now = Math.floor(Date.now() / 1000);
    const headerPart = base64url(JSON.stringify({ typ: 'JWT', alg: 'RS256', x5c: [der] }));
    const claims = base64url(JSON.stringify({ iss: issuer, sub: user ?? '', aud: service, exp: now + 600, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access }));
    const signature = createSign('RSA-SHA256').update(`${headerPart}.${claims}`).sign(keyPem);
    const token = `${headerPart}.${claims}.${base64url(signature)}`;
    requests.push({ scopes, account: url.searchParams.get('account') ?? undefined, authenticated: user !== undefined, status: 200 });
    response.writeHead(200, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify({ token, access_token: token, expires_in: 600, issued_at: new Date().toISOString() }));
  });
  const port = await listen(server);
  return { port, realm: `http://127.0.0.1:${port}/token`, service, issuer, certificate: cert, requests, stop: () => closeServer(server) };
}

// ---------------------------------------------------------------------------------------------
// Proxy and fake servers.

export interface ProxyRecord {
  method: string;
  path: string;
  status: number;
  /** Request headers as received (the tests check for Authorization). */
  headers: http.IncomingHttpHeaders;
  /** Body bytes passed back from the registry (what a read cost on the wire). */
  bytes: number;
}

/** What a test may do to a request: answer it, drop its connection, or let it through (optionally rewriting the answer). */
export type ProxyAction = { respond: { status: number; headers?: Record<string, string>; body?: string } } | { drop: true } | { rewrite: (body: Buffer) => Buffer } | undefined;

export interface Proxy {
  port: number;
  host: string;
  requests: ProxyRecord[];
  /** Decides per request (counted from 1 since the last `reset`). */
  intercept: ((request: http.IncomingMessage, count: number) => ProxyAction) | undefined;
  reset(): void;
  stop(): Promise<void>;
  /** Stops keeping the process alive (the benchmarks' proxy lives until the process exits). */
  unref(): void;
}

/** An HTTP proxy in front of `targetPort` that records every request and applies `intercept`. */
export async function startProxy(targetPort: number): Promise<Proxy> {
  const proxy: Proxy = {
    port: 0,
    host: '',
    requests: [],
    intercept: undefined,
    reset() {
      proxy.requests.length = 0;
      proxy.intercept = undefined;
    },
    stop: async () => undefined,
    unref: () => undefined,
  };
  const server = http.createServer((request, response) => {
    const record: ProxyRecord = { method: request.method ?? '', path: request.url ?? '', status: 0, headers: { ...request.headers }, bytes: 0 };
    proxy.requests.push(record);
    const action = proxy.intercept?.(request, proxy.requests.length);
    if (action && 'drop' in action) {
      record.status = -1;
      request.socket.destroy();
      return;
    }
    if (action && 'respond' in action) {
      record.status = action.respond.status;
      request.resume();
      response.writeHead(action.respond.status, action.respond.headers ?? {});
      response.end(action.respond.body ?? '');
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port: targetPort, method: request.method, path: request.url, headers: request.headers }, (answer) => {
      record.status = answer.statusCode ?? 0;
      if (action && 'rewrite' in action) {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = action.rewrite(Buffer.concat(chunks));
          response.writeHead(answer.statusCode ?? 502, { ...answer.headers, 'content-length': String(body.length) });
          response.end(body);
        });
        return;
      }
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.on('data', (chunk: Buffer) => (record.bytes += chunk.length));
      answer.pipe(response);
    });
    upstream.on('error', () => response.destroy());
    request.pipe(upstream);
  });
  proxy.port = await listen(server);
  proxy.host = `127.0.0.1:${proxy.port}`;
  proxy.stop = () => closeServer(server);
  proxy.unref = () => void server.unref();
  return proxy;
}

export interface FakeServer {
  port: number;
  host: string;
  stop(): Promise<void>;
}

export async function startFakeServer(handler: http.RequestListener): Promise<FakeServer> {
  const server = http.createServer(handler);
  const port = await listen(server);
  return { port, host: `127.0.0.1:${port}`, stop: () => closeServer(server) };
}

export async function listen(server: http.Server | net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.address() as net.AddressInfo).port;
}

export async function closeServer(server: http.Server | net.Server): Promise<void> {
  if ('closeAllConnections' in server) server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

export function temporaryDirectory(prefix: string): { path: string; remove(): void } {
  const directory = mkdtempSync(path.join(tmpdir(), prefix));
  return { path: directory, remove: () => rmSync(directory, { recursive: true, force: true }) };
}
