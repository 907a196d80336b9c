/**
 * nango.proxy and friends over the `request` capability: a
 * ProxyConfiguration becomes the capability's JSON, the answer an
 * axios-like response, and an upstream answer outside 2xx an axios-like
 * error (isAxiosError, response.status/headers/data).
 */

import { Buffer } from '../globals/buffer';
import { HostError, type Upstream, hostCall, isHostError } from '../shared/host';
import type { NangoResponse, ProxyConfiguration } from '../types';

const kUpstream = Symbol.for('ferry.upstream');

const STATUS_TEXT: Record<number, string> = {
    200: 'OK', 201: 'Created', 202: 'Accepted', 204: 'No Content', 206: 'Partial Content',
    301: 'Moved Permanently', 302: 'Found', 304: 'Not Modified', 307: 'Temporary Redirect', 308: 'Permanent Redirect',
    400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden', 404: 'Not Found',
    405: 'Method Not Allowed', 408: 'Request Timeout', 409: 'Conflict', 410: 'Gone', 412: 'Precondition Failed',
    413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 423: 'Locked', 429: 'Too Many Requests',
    500: 'Internal Server Error', 501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

function tagOf(v: unknown): string {
    return Object.prototype.toString.call(v).slice(8, -1);
}

function stripFunctions(obj: Record<string, unknown>): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) if (typeof v !== 'function' && v !== undefined) out[k] = v;
    return out;
}

function headerValue(v: unknown): string {
    return Array.isArray(v) ? v.map(String).join(', ') : String(v);
}

function paramValue(v: unknown): unknown {
    if (v instanceof Date) return v.toISOString();
    if (Array.isArray(v)) return v.filter((x) => x !== undefined && x !== null).map(paramValue);
    return v;
}

/**
 * toRequest turns a ProxyConfiguration into the `request`/`paginate`
 * capability's JSON; method, when given, overrides cfg.method.
 */
export function toRequest(what: string, cfg: ProxyConfiguration, method?: string): Record<string, unknown> {
    if (typeof cfg !== 'object' || cfg === null) throw new TypeError(`${what}: the configuration must be an object with an endpoint`);
    const req: Record<string, unknown> = { endpoint: cfg.endpoint ?? '' };
    req.method = String(method ?? cfg.method ?? 'GET').toUpperCase();
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(cfg.headers ?? {})) if (v !== undefined && v !== null) headers[k] = headerValue(v);
    if (cfg.params !== undefined && cfg.params !== null) {
        if (typeof cfg.params === 'string' || tagOf(cfg.params) === 'URLSearchParams') req.params = String(cfg.params);
        else {
            const params: Record<string, unknown> = {};
            for (const [k, v] of Object.entries(cfg.params)) if (v !== undefined && v !== null) params[k] = paramValue(v);
            req.params = params;
        }
    }
    if (cfg.data !== undefined) {
        const data = cfg.data as unknown;
        if (tagOf(data) === 'URLSearchParams') {
            req.data = String(data);
            if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/x-www-form-urlencoded';
        } else if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) {
            const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
            req.data = Buffer.from(bytes).toString('utf8');
        } else {
            req.data = data;
        }
    }
    if (Object.keys(headers).length) req.headers = headers;
    for (const k of ['retries', 'retryOn', 'retryHeader', 'baseUrlOverride', 'responseType', 'providerConfigKey', 'connectionId'] as const) {
        if (cfg[k] !== undefined && cfg[k] !== null) req[k] = cfg[k];
    }
    if (cfg.decompress !== undefined) req.decompress = cfg.decompress === true || cfg.decompress === 'true';
    if (cfg.paginate) req.paginate = stripFunctions(cfg.paginate as Record<string, unknown>);
    return req;
}

interface RawResponse {
    status: number;
    headers?: Record<string, string>;
    data?: unknown;
}

/** toResponse shapes the capability's answer like axios's response. */
export function toResponse<T>(raw: RawResponse, cfg: ProxyConfiguration): NangoResponse<T> {
    let data = raw.data;
    if (cfg.responseType === 'arraybuffer' && typeof data === 'string') data = Buffer.from(data, 'base64');
    return { status: raw.status, statusText: STATUS_TEXT[raw.status] ?? '', headers: raw.headers ?? {}, data: data as T, config: cfg, request: {} };
}

/**
 * toHTTPError turns the host's `http_error` into an axios-like error;
 * other errors are returned unchanged.
 */
export function toHTTPError(err: unknown, cfg: ProxyConfiguration): unknown {
    if (!isHostError(err) || err.code !== 'http_error' || !err.upstream) return err;
    const up = err.upstream;
    const status = up.status;
    const e = new Error(`Request failed with status code ${status}`) as Error & Record<string, unknown>;
    e.name = 'AxiosError';
    const response = { status, statusText: STATUS_TEXT[status] ?? '', headers: up.headers ?? {}, data: up.body, config: cfg };
    Object.assign(e, {
        isAxiosError: true,
        code: status >= 500 ? 'ERR_BAD_RESPONSE' : 'ERR_BAD_REQUEST',
        status,
        config: cfg,
        response,
        toJSON: () => ({ name: e.name, message: e.message, code: e.code, status, config: cfg }),
    });
    Object.defineProperty(e, kUpstream, { value: { upstream: up, message: err.message } });
    return e;
}

/**
 * upstreamOf returns the upstream answer an uncaught error carries: ours
 * (with the host's message), any axios-like error with a response, or a
 * HostError http_error; undefined otherwise.
 */
export function upstreamOf(err: unknown): { upstream: Upstream; message: string } | undefined {
    if (typeof err !== 'object' || err === null) return undefined;
    const ours = (err as Record<symbol, { upstream: Upstream; message: string } | undefined>)[kUpstream];
    if (ours) return ours;
    if (err instanceof HostError || isHostError(err)) {
        return err.code === 'http_error' && err.upstream ? { upstream: err.upstream, message: err.message } : undefined;
    }
    const ax = err as { isAxiosError?: boolean; response?: { status?: unknown; headers?: unknown; data?: unknown }; message?: string };
    if (ax.isAxiosError && ax.response && typeof ax.response.status === 'number') {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries((ax.response.headers as Record<string, unknown>) ?? {})) if (v !== undefined && v !== null) headers[k.toLowerCase()] = headerValue(v);
        return { upstream: { status: ax.response.status, headers, body: ax.response.data }, message: String(ax.message ?? '') };
    }
    return undefined;
}

/** request makes one HTTP call. */
export function request<T>(cfg: ProxyConfiguration, method?: string): NangoResponse<T> {
    const req = toRequest('nango.proxy', cfg, method);
    try {
        return toResponse<T>(hostCall<RawResponse>('request', req), method ? { ...cfg, method: req.method as ProxyConfiguration['method'] } : cfg);
    } catch (err) {
        throw toHTTPError(err, cfg);
    }
}

interface Page {
    records: unknown[];
    next: unknown;
    response?: RawResponse;
}

/**
 * paginate yields each non-empty page of records the host's stateless
 * `paginate` capability returns, handing back its `next` state until it
 * is null. paginate.on_page, a function, is called after each page with
 * the upstream's whole response for it, as in Nango.
 */
export async function* paginate<T>(cfg: ProxyConfiguration): AsyncGenerator<T[], undefined, void> {
    const config = toRequest('nango.paginate', cfg);
    const onPage = cfg.paginate?.on_page;
    let state: unknown = null;
    for (;;) {
        let page: Page;
        try {
            page = hostCall<Page>('paginate', { config, state, withResponse: typeof onPage === 'function' });
        } catch (err) {
            throw toHTTPError(err, cfg);
        }
        const records = Array.isArray(page.records) ? page.records : [];
        if (typeof onPage === 'function') {
            const next = page.next as { cursor?: string | number; link?: string; offset?: number } | null;
            await onPage({ nextPageParam: next ? (next.cursor ?? next.link ?? next.offset) : undefined, response: toResponse(page.response ?? { status: 200, data: records }, cfg) });
        }
        if (records.length > 0) yield records as T[];
        if (page.next === null || page.next === undefined) return undefined;
        state = page.next;
    }
}
