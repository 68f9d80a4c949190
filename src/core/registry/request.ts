import * as http from 'node:http';
import * as https from 'node:https';
import { Readable } from 'node:stream';
import type { OperationOptions } from '../cancellation';
import { ImageError } from '../errors';
import { redactUrl } from './redact';
import { DEFAULT_RETRY, isRetryableStatus, parseRetryAfter, retryDelay, sleep, type RetryPolicy } from './retry';

/**
 * One HTTP exchange with timeouts, bounded retries and cancellation, on node:http and node:https.
 * Knows nothing of registries or authentication (transport.ts adds those).
 */
export interface HttpSettings {
  /** From sending the request to the response headers. */
  timeoutMs: number;
  /** The longest pause between two chunks of a body. */
  idleTimeoutMs: number;
  retry: RetryPolicy;
  /** One line per exchange, secrets removed; for a debug log. */
  log?: (line: string) => void;
  /** Jitter source (tests pass a constant). */
  random?: () => number;
}

export const DEFAULT_HTTP: HttpSettings = { timeoutMs: 30_000, idleTimeoutMs: 60_000, retry: DEFAULT_RETRY };

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: URL;
  headers: Record<string, string>;
  body?: string;
}

/** Why our own controller aborted a request, to tell it from the caller's cancellation. */
class RequestTimeout extends Error {
  readonly code = 'ETIMEDOUT';
}

function duration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

/** The codes of a fetch failure's cause chain (`fetch failed` → `ECONNRESET`, `ERR_SSL_…`). */
export function failureCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = current.cause;
  }
  return codes;
}

/** TLS handshake failures: not retried; a plain-HTTP server answering a TLS client is one of them. */
export function isTlsFailure(error: unknown): boolean {
  return failureCodes(error).some((code) => code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || /CERT|SELF_SIGNED|UNABLE_TO_/.test(code));
}

/** A plain-HTTP server reached with TLS: the reply was not a TLS record. */
export function isPlainHttpAnswer(error: unknown): boolean {
  return failureCodes(error).some((code) => code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'ERR_SSL_PACKET_LENGTH_TOO_LONG' || code === 'EPROTO');
}

function isRetryableFailure(error: unknown): boolean {
  if (isTlsFailure(error)) return false;
  const codes = failureCodes(error);
  return !codes.includes('ENOTFOUND') && !codes.includes('ERR_INVALID_URL');
}

/** OpenSSL's `8060…:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:…` → `wrong version number`. */
function shortOpenSslMessage(message: string): string {
  const match = /:error:[0-9A-Fa-f]+:[^:]*:[^:]*:([^:]+)/.exec(message);
  return match ? `TLS error: ${match[1]}` : message;
}

function describeFailure(error: unknown): string {
  let current: unknown = error;
  let message = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current.message && current.message !== 'fetch failed') message = shortOpenSslMessage(current.message.split('\n')[0]);
    current = current.cause;
  }
  const code = failureCodes(error).find((candidate) => candidate !== 'UND_ERR_SOCKET');
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

function cancelled(request: HttpRequest): ImageError {
  return new ImageError('cancelled', `${request.method} ${redactUrl(request.url)} was cancelled`);
}

/** A response whose body has not been read yet; read it once, with `bytes`, `stream` or `discard`. */
export class HttpResponse {
  private consumed = false;
  /** How many attempts this answer took (retries of 429/5xx included). */
  attempts = 1;

  constructor(
    readonly request: HttpRequest,
    private readonly response: http.IncomingMessage,
    private readonly controller: AbortController,
    private readonly signal: AbortSignal | undefined,
    private readonly idleTimeoutMs: number,
  ) {}

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  /** A header's value; repeated headers joined with ", " (as fetch's Headers.get does). */
  header(name: string): string | undefined {
    const value = this.response.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** The body as a Node stream; destroying it aborts the request (and closes the connection). */
  stream(): Readable {
    if (this.consumed) throw new Error('response body already read');
    this.consumed = true;
    return new BodyReadable(this.response, this.controller, this.idleTimeoutMs, (error) => this.mapBodyError(error));
  }

  /** The whole body, refusing more than `max` bytes (`what` names it in the error). */
  async bytes(max: number, what: string): Promise<Buffer> {
    const declared = Number(this.header('content-length') ?? NaN);
    if (declared > max) {
      this.abort();
      throw new ImageError('too-large', `${what} is ${declared} bytes, more than the ${max} allowed`, { source: redactUrl(this.request.url) });
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const stream = this.stream();
    for await (const chunk of stream) {
      total += (chunk as Buffer).length;
      if (total > max) {
        stream.destroy();
        throw new ImageError('too-large', `${what} is larger than the ${max} bytes allowed`, { source: redactUrl(this.request.url) });
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  /** Reads and drops a small body (so the connection can be reused), or aborts a large one. */
  async discard(): Promise<void> {
    if (this.consumed) return;
    try {
      await this.bytes(64 * 1024, 'response body');
    } catch {
      this.abort();
    }
  }

  /** Aborts the request and its body. */
  abort(): void {
    this.consumed = true;
    this.controller.abort(new RequestTimeout('aborted by the client'));
    this.response.destroy();
  }

  private mapBodyError(error: unknown): ImageError {
    if (error instanceof ImageError) return error;
    if (this.signal?.aborted) return cancelled(this.request);
    return new ImageError('network', `${this.request.method} ${redactUrl(this.request.url)}: the connection failed while reading the body: ${describeFailure(error)}`, { cause: error });
  }
}

/** A response body with an idle timer, errors said in our words, and the request aborted on destroy. */
class BodyReadable extends Readable {
  private ended = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly incoming: http.IncomingMessage,
    private readonly controller: AbortController,
    private readonly idleTimeoutMs: number,
    mapError: (error: unknown) => ImageError,
  ) {
    super();
    incoming.on('data', (chunk: Buffer) => {
      this.armTimer();
      if (!this.push(chunk)) incoming.pause();
    });
    incoming.on('end', () => {
      this.clearTimer();
      this.ended = true;
      this.push(null);
    });
    incoming.on('error', (error) => this.destroy(mapError(error)));
    // A connection that closes before the body ended (a dropped server) is an error, not an end.
    incoming.on('close', () => {
      if (!this.ended && !this.destroyed) this.destroy(mapError(new Error('the connection closed before the body ended')));
    });
  }

  override _read(): void {
    this.armTimer();
    this.incoming.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.clearTimer();
    if (!this.ended) {
      this.controller.abort(new RequestTimeout('the body stream was closed early'));
      this.incoming.destroy();
    }
    callback(error);
  }

  private armTimer(): void {
    this.clearTimer();
    this.timer = setTimeout(() => {
      this.destroy(new ImageError('network', `no data for ${duration(this.idleTimeoutMs)} while reading the body`));
    }, this.idleTimeoutMs);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/**
 * Sends once with node:http / node:https (their default keep-alive agents; TLS always verified):
 * headers within `timeoutMs`, the caller's signal aborting at any time. Lighter than fetch, whose
 * first request costs a CLI run ~20 ms more.
 */
function sendOnce(request: HttpRequest, settings: HttpSettings, signal: AbortSignal | undefined): Promise<HttpResponse> {
  const controller = new AbortController();
  const combined = signal ? AbortSignal.any([signal, controller.signal]) : controller.signal;
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(request.body));
  return new Promise<HttpResponse>((resolve, reject) => {
    const timer = setTimeout(() => controller.abort(new RequestTimeout(`no response within ${duration(settings.timeoutMs)}`)), settings.timeoutMs);
    const send = request.url.protocol === 'https:' ? https.request : http.request;
    const outgoing = send(request.url, { method: request.method, headers, signal: combined }, (incoming) => {
      clearTimeout(timer);
      resolve(new HttpResponse(request, incoming, controller, signal, settings.idleTimeoutMs));
    });
    outgoing.on('error', (error) => {
      clearTimeout(timer);
      // An abort says why in its cause (our timeout, or the caller's reason).
      reject(combined.aborted && combined.reason instanceof Error && !(error.cause instanceof Error) ? Object.assign(error, { cause: combined.reason }) : error);
    });
    outgoing.end(request.body);
  });
}

/**
 * Sends with retries: connection failures (resets, timeouts, refused) and 408/429/5xx answers
 * are retried up to `retry.maxAttempts` in all; the last answer is returned whatever its status,
 * so callers report it. Throws `network` when no answer came, `cancelled` when the signal fired.
 */
export async function sendHttp(request: HttpRequest, settings: HttpSettings, options: OperationOptions = {}): Promise<HttpResponse> {
  const { retry } = settings;
  const what = `${request.method} ${redactUrl(request.url)}`;
  for (let attempt = 1; ; attempt++) {
    if (options.signal?.aborted) throw cancelled(request);
    let response: HttpResponse;
    const started = Date.now();
    try {
      response = await sendOnce(request, settings, options.signal);
    } catch (error) {
      if (options.signal?.aborted) throw cancelled(request);
      const reason = describeFailure(error);
      settings.log?.(`${what} failed: ${reason} (attempt ${attempt}/${retry.maxAttempts})`);
      if (attempt < retry.maxAttempts && isRetryableFailure(error)) {
        await sleep(retryDelay(attempt, undefined, retry, settings.random), options.signal);
        continue;
      }
      const tries = attempt > 1 ? ` (after ${attempt} attempts)` : '';
      throw new ImageError('network', `${what} failed: ${reason}${tries}`, { cause: error });
    }
    settings.log?.(`${what} → ${response.status} (${Date.now() - started} ms)`);
    if (attempt < retry.maxAttempts && isRetryableStatus(response.status)) {
      const delay = retryDelay(attempt, parseRetryAfter(response.header('retry-after')), retry, settings.random);
      if (delay <= retry.maxRetryAfterMs) {
        await response.discard();
        await sleep(delay, options.signal);
        continue;
      }
    }
    response.attempts = attempt;
    return response;
  }
}
