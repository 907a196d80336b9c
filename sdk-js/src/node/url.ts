/**
 * node:url — URL and URLSearchParams (the engine's if it has them, else
 * ferry's), the legacy parse/format/resolve, and domainToASCII/Unicode.
 * fileURLToPath and pathToFileURL throw: functions have no filesystem.
 */

import { URLSearchParams as FerryURLSearchParams } from '../globals/searchparams';
import { URL as FerryURL } from '../globals/url';
import { domainToASCII as toASCII, domainToUnicode as toUnicode } from '../globals/urlhost';

const g = globalThis as unknown as { URL?: typeof FerryURL; URLSearchParams?: typeof FerryURLSearchParams };

/** URL is the WHATWG URL class. */
export const URL: typeof FerryURL = typeof g.URL === 'function' ? g.URL : FerryURL;
/** URLSearchParams is the WHATWG URLSearchParams class. */
export const URLSearchParams: typeof FerryURLSearchParams = typeof g.URLSearchParams === 'function' ? g.URLSearchParams : FerryURLSearchParams;

/** fileURLToPath is not supported: there is no filesystem. */
export function fileURLToPath(_url: string | FerryURL): string {
    throw new Error('url.fileURLToPath is not supported in ferry functions: there is no filesystem');
}

/** pathToFileURL is not supported: there is no filesystem. */
export function pathToFileURL(_path: string): FerryURL {
    throw new Error('url.pathToFileURL is not supported in ferry functions: there is no filesystem');
}

/** domainToASCII returns the Punycode form of a domain, '' when it is invalid. */
export function domainToASCII(domain: string): string {
    return toASCII(String(domain)) ?? '';
}

/** domainToUnicode decodes a domain's Punycode labels. */
export function domainToUnicode(domain: string): string {
    return toUnicode(String(domain));
}

/** UrlObject is the legacy url.parse result / url.format input. */
export interface UrlObject {
    protocol?: string | null;
    slashes?: boolean | null;
    auth?: string | null;
    host?: string | null;
    port?: string | number | null;
    hostname?: string | null;
    hash?: string | null;
    search?: string | null;
    query?: string | null | Record<string, unknown>;
    pathname?: string | null;
    path?: string | null;
    href?: string;
}

/** parse is the legacy url.parse, built on the WHATWG parser (relative URLs keep only path, search and hash). */
export function parse(urlString: string, parseQueryString = false): UrlObject {
    const input = String(urlString).trim();
    const absolute = /^[A-Za-z][A-Za-z0-9+.-]*:/.test(input);
    const u = new URL(input, absolute ? undefined : 'ferry-relative://host/');
    const query = u.search ? u.search.slice(1) : null;
    const result: UrlObject = {
        protocol: absolute ? u.protocol : null,
        slashes: absolute ? /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(input) : input.startsWith('//') || null,
        auth: absolute && u.username ? decodeURIComponent(u.username) + (u.password ? ':' + decodeURIComponent(u.password) : '') : null,
        host: absolute ? u.host || null : null,
        port: absolute ? u.port || null : null,
        hostname: absolute ? u.hostname || null : null,
        hash: u.hash || null,
        search: u.search || null,
        query: parseQueryString ? Object.fromEntries(groupParams(new URLSearchParams(query ?? ''))) : query,
        pathname: absolute || input.startsWith('/') ? u.pathname || null : input.split(/[?#]/)[0] || null,
        path: null,
        href: absolute ? u.href : input,
    };
    result.path = (result.pathname ?? '') + (result.search ?? '') || null;
    return result;
}

function groupParams(params: FerryURLSearchParams): Map<string, string | string[]> {
    const out = new Map<string, string | string[]>();
    for (const [k, v] of params) {
        const prev = out.get(k);
        out.set(k, prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]);
    }
    return out;
}

/** format serialises a URL, or a legacy url object. */
export function format(urlObject: string | FerryURL | UrlObject, _options?: unknown): string {
    if (typeof urlObject === 'string') return format(parse(urlObject));
    if (urlObject instanceof URL || (urlObject as object) instanceof FerryURL) return String((urlObject as FerryURL).href);
    const o = urlObject as UrlObject;
    let protocol = o.protocol ?? '';
    if (protocol && !protocol.endsWith(':')) protocol += ':';
    const auth = o.auth ? encodeURIComponent(o.auth).replace(/%3A/i, ':') + '@' : '';
    let host = '';
    if (o.host) host = auth + o.host;
    else if (o.hostname) host = auth + (o.hostname.includes(':') && !o.hostname.startsWith('[') ? `[${o.hostname}]` : o.hostname) + (o.port ? `:${o.port}` : '');
    let pathname = o.pathname ?? '';
    let search = o.search ?? '';
    if (!search && o.query && typeof o.query === 'object') {
        const q = new URLSearchParams();
        for (const [k, v] of Object.entries(o.query)) for (const item of Array.isArray(v) ? v : [v]) q.append(k, String(item ?? ''));
        search = q.toString() ? '?' + q.toString() : '';
    } else if (!search && typeof o.query === 'string' && o.query) search = '?' + o.query;
    if (search && !search.startsWith('?')) search = '?' + search;
    let hash = o.hash ?? '';
    if (hash && !hash.startsWith('#')) hash = '#' + hash;
    const special = /^(https?|ftp|gopher|file|wss?):$/.test(protocol);
    if (o.slashes || (special && host !== '') || host !== '') {
        host = '//' + host;
        if (pathname && !pathname.startsWith('/')) pathname = '/' + pathname;
    }
    pathname = pathname.replace(/[?#]/g, encodeURIComponent);
    return protocol + host + pathname + search.replace('#', '%23') + hash;
}

/** resolve resolves `to` against `from` like a browser resolves a link. */
export function resolve(from: string, to: string): string {
    const base = new URL(from, 'ferry-resolve://x/');
    const out = new URL(to, base);
    if (out.protocol === 'ferry-resolve:') {
        const rel = out.pathname + out.search + out.hash;
        return from.startsWith('/') || to.startsWith('/') ? rel : rel.slice(1);
    }
    return out.href;
}

export default { URL, URLSearchParams, parse, format, resolve, fileURLToPath, pathToFileURL, domainToASCII, domainToUnicode };
