// The codec server the Temporal Web UI calls to show decrypted payloads (POST /decode, the protocol
// of Temporal's remote codec; /encode encrypts nothing, see ENCODE_REFUSED). Only whoever holds the
// master keys can run one; a required token keeps out callers that do not know it (web pages, port
// scanners), though not other accounts on a shared host, which can read it from the dev server's
// command line (README); bounded requests keep it from taking down the worker process it runs in.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Payload } from '@temporalio/common';
import type { EncryptionCodec } from './codec';

interface JsonPayload {
  metadata?: Record<string, string>;
  data?: string;
}

const fromJson = (p: JsonPayload): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: p.data === undefined ? undefined : Buffer.from(p.data, 'base64'),
});

const toJson = (p: Payload): JsonPayload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: p.data ? Buffer.from(p.data).toString('base64') : undefined,
});

export interface CodecServerOptions {
  codec: EncryptionCodec;
  /** Origins allowed to call from a browser (the Web UI's). */
  allowedOrigins?: string[];
  /**
   * Required on every request, as `Authorization: Bearer <token>` or as the first path segment
   * (`POST /<token>/decode`): the Web UI sends no bearer token to a plain-HTTP endpoint, so the
   * embedded set-up hands it an endpoint URL that carries the token. `false` only where something
   * else (a proxy that authenticates) guards the server.
   */
  token: string | false;
  /** Largest request body accepted (default 4 MiB, Temporal's gRPC message limit). */
  maxBodyBytes?: number;
  /** Most payloads in one request (default 1,000). */
  maxPayloads?: number;
  /** Requests served at once; more get 503 (default 8), so memory stays bounded. */
  maxConcurrent?: number;
}

const ENCODE_REFUSED =
  'this codec server cannot tell which campaign a payload belongs to, so it encrypts nothing ' +
  '(a payload under no campaign\'s key would survive crypto-shredding): send signals, updates and new workflows with the dossier CLI or the workspace';

export const CODEC_LIMITS = { maxBodyBytes: 4 * 1024 * 1024, maxPayloads: 1_000, maxConcurrent: 8 } as const;

/** A token for the codec server: 32 random bytes, URL-safe (it may travel in the endpoint path). */
export function generateCodecToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The codec token from DOSSIER_CODEC_TOKEN, else a new one. A token travels as a path segment of the
 * Web UI's codec endpoint, so one with characters that change the path (`/`, `+`, `%`, `?`, `#`…)
 * or shorter than 16 characters is refused, naming the variable.
 */
export function codecTokenFromEnv(env: NodeJS.ProcessEnv): string {
  const token = env.DOSSIER_CODEC_TOKEN?.trim();
  if (!token) return generateCodecToken();
  if (!/^[A-Za-z0-9_-]{16,}$/.test(token)) {
    throw new Error(
      'DOSSIER_CODEC_TOKEN must be at least 16 characters of A-Z, a-z, 0-9, "-" and "_" only (it travels in the codec endpoint\'s path); ' +
        'generate one with `openssl rand -base64 32 | tr "+/" "-_" | tr -d "="`, or leave it unset for a new one each start.',
    );
  }
  return token;
}

class RequestRefused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function createCodecServer({
  codec,
  allowedOrigins = [],
  token,
  maxBodyBytes = CODEC_LIMITS.maxBodyBytes,
  maxPayloads = CODEC_LIMITS.maxPayloads,
  maxConcurrent = CODEC_LIMITS.maxConcurrent,
}: CodecServerOptions): Server {
  if (token !== false && (typeof token !== 'string' || token.length < 16)) {
    throw new Error('The codec server needs a token of at least 16 characters (or token: false behind an authenticating proxy).');
  }
  let inFlight = 0;
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    // A client that goes away mid-body must not become an unhandled error in the worker's process.
    req.on('error', () => undefined);
    res.on('error', () => undefined);
    const origin = req.headers.origin;
    // Whether the answer lets a browser read it depends on the Origin: a cache must not reuse it for another.
    res.setHeader('Vary', 'Origin');
    if (origin && allowedOrigins.includes(origin)) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      res.setHeader('Access-Control-Allow-Credentials', 'true');
    }
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const { route, pathToken } = routeOf(req.url ?? '/');
    if (req.method !== 'POST' || (route !== '/decode' && route !== '/encode')) return refuse(req, res, 404, 'not found');
    if (token !== false && !sameSecret(pathToken ?? bearerOf(req), token)) return refuse(req, res, 401, 'a valid codec token is required');
    if (inFlight >= maxConcurrent) return refuse(req, res, 503, 'busy: too many requests at once');
    inFlight++;
    try {
      const body = await readBody(req, maxBodyBytes);
      let parsed: { payloads?: JsonPayload[] };
      try {
        parsed = JSON.parse(body.toString('utf8')) as { payloads?: JsonPayload[] };
      } catch {
        throw new RequestRefused(400, 'the body must be JSON: { "payloads": [...] }');
      }
      const list = parsed?.payloads ?? [];
      if (!Array.isArray(list)) throw new RequestRefused(400, '"payloads" must be a list');
      if (list.length > maxPayloads) throw new RequestRefused(413, `at most ${maxPayloads} payloads per request (got ${list.length})`);
      // A remote-codec request names no workflow (the Web UI and `temporal --codec-endpoint` send the
      // payloads and the namespace only), so a payload encoded here would go under the global key,
      // which crypto-shredding never destroys: a signal typed in the Web UI would outlive its campaign.
      if (route === '/encode' && list.length) throw new RequestRefused(400, ENCODE_REFUSED);
      const payloads = list.map(fromJson);
      const out = route === '/decode' ? await codec.decode(payloads) : await codec.encode(payloads);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ payloads: out.map(toJson) }));
    } catch (err) {
      if (err instanceof RequestRefused) refuse(req, res, err.status, err.message);
      else if (!res.headersSent) res.writeHead(400, { 'Content-Type': 'text/plain' }).end((err as Error).message);
    } finally {
      inFlight--;
    }
  });
  server.on('clientError', (_err, socket) => socket.destroy());
  return server;
}

/** `/decode` or `/<token>/decode`, ignoring any query string. */
function routeOf(url: string): { route: string; pathToken?: string } {
  const path = url.split('?')[0];
  const match = /^\/([A-Za-z0-9_-]+)(\/(?:decode|encode))$/.exec(path);
  return match ? { route: match[2], pathToken: match[1] } : { route: path };
}

function bearerOf(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

function sameSecret(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads at most `max` bytes; a larger body is refused before it is held in memory. */
async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > max) throw new RequestRefused(413, `the request body may be at most ${max} bytes (declared ${declared})`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new RequestRefused(413, `the request body may be at most ${max} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Answers, then closes the connection: an unread body is not drained into memory. */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) return void req.destroy();
  res.writeHead(status, { 'Content-Type': 'text/plain', Connection: 'close' }).end(message, () => {
    if (!req.complete) req.destroy();
  });
}
