/**
 * URL (WHATWG) over the parser of urlparse.ts. Setters re-parse the URL
 * with the changed part, which matches the standard's setters for the
 * values functions use; searchParams is live in both directions.
 */

import { FRAGMENT, QUERY, SPECIAL_QUERY, USERINFO, percentEncode } from './percent';
import { URLSearchParams, kAttach, kReset } from './searchparams';
import { type URLRecord, SPECIAL, isSpecial, parseURL, serializePath, serializeURL } from './urlparse';

function invalidURL(input: string, base?: string): TypeError {
    const err = new TypeError('Invalid URL');
    Object.assign(err, { code: 'ERR_INVALID_URL', input });
    if (base !== undefined) Object.assign(err, { base });
    return err;
}

/** URL is the WHATWG class: parse, resolve against a base, read and change parts. */
export class URL {
    #url: URLRecord;
    #params: URLSearchParams;

    constructor(url: string | URL, base?: string | URL) {
        const input = String(url);
        let baseRecord: URLRecord | null = null;
        if (base !== undefined) {
            baseRecord = parseURL(String(base), null);
            if (!baseRecord) throw invalidURL(input, String(base));
        }
        const record = parseURL(input, baseRecord);
        if (!record) throw invalidURL(input, base === undefined ? undefined : String(base));
        this.#url = record;
        this.#params = new URLSearchParams(record.query ?? '');
        this.#params[kAttach]((query) => {
            this.#url.query = query;
        });
    }

    /** canParse reports whether new URL(url, base) would succeed. */
    static canParse(url: string, base?: string): boolean {
        return URL.parse(url, base) !== null;
    }

    /** parse is new URL(url, base), or null instead of throwing. */
    static parse(url: string, base?: string): URL | null {
        try {
            return new URL(url, base);
        } catch {
            return null;
        }
    }

    get href(): string {
        return serializeURL(this.#url);
    }

    set href(value: string) {
        const record = parseURL(String(value), null);
        if (!record) throw invalidURL(String(value));
        this.#url = record;
        this.#params[kReset](record.query);
    }

    get origin(): string {
        const u = this.#url;
        if (u.scheme === 'blob') {
            const inner = typeof u.path === 'string' ? URL.parse(u.path) : null;
            return inner && (inner.protocol === 'http:' || inner.protocol === 'https:') ? inner.origin : 'null';
        }
        if (!isSpecial(u.scheme) || u.scheme === 'file') return 'null';
        return `${u.scheme}://${u.host}${u.port === null ? '' : ':' + u.port}`;
    }

    get protocol(): string {
        return this.#url.scheme + ':';
    }

    set protocol(value: string) {
        const scheme = String(value).replace(/:.*$/s, '').toLowerCase();
        if (!/^[a-z][a-z0-9+\-.]*$/.test(scheme)) return;
        const u = this.#url;
        if (isSpecial(u.scheme) !== isSpecial(scheme)) return;
        if (scheme === 'file' && (u.username || u.password || u.port !== null)) return;
        if (u.scheme === 'file' && u.host === '') return;
        u.scheme = scheme;
        if (u.port !== null && SPECIAL[scheme] === u.port) u.port = null;
    }

    get username(): string {
        return this.#url.username;
    }

    set username(value: string) {
        if (!this.#canHaveCredentials()) return;
        this.#url.username = percentEncode(String(value), USERINFO);
    }

    get password(): string {
        return this.#url.password;
    }

    set password(value: string) {
        if (!this.#canHaveCredentials()) return;
        this.#url.password = percentEncode(String(value), USERINFO);
    }

    #canHaveCredentials(): boolean {
        const u = this.#url;
        return u.host !== null && u.host !== '' && u.scheme !== 'file';
    }

    get host(): string {
        const u = this.#url;
        if (u.host === null) return '';
        return u.port === null ? u.host : `${u.host}:${u.port}`;
    }

    set host(value: string) {
        if (typeof this.#url.path === 'string') return;
        const host = String(value).split(/[/?#\\]/)[0];
        if (host === '' && isSpecial(this.#url.scheme)) return;
        const hasPort = /^(\[[^\]]*\]|[^:]*):/.test(host);
        this.#setAuthority(host, !hasPort);
    }

    get hostname(): string {
        return this.#url.host ?? '';
    }

    set hostname(value: string) {
        if (typeof this.#url.path === 'string') return;
        const host = String(value).split(/[/?#\\]/)[0].replace(/^(\[[^\]]*\]|[^:]*):.*$/s, '$1');
        if (host === '' && isSpecial(this.#url.scheme)) return;
        this.#setAuthority(host, true);
    }

    get port(): string {
        return this.#url.port === null ? '' : String(this.#url.port);
    }

    set port(value: string) {
        const u = this.#url;
        if (u.host === null || u.host === '' || u.scheme === 'file') return;
        const digits = /^[0-9]*/.exec(String(value))![0];
        if (String(value) === '') {
            u.port = null;
            return;
        }
        if (digits === '') return;
        const port = parseInt(digits, 10);
        if (port > 65535) return;
        u.port = SPECIAL[u.scheme] === port ? null : port;
    }

    /** setAuthority re-parses the URL with a new host (and, unless keepPort is false, the old port). */
    #setAuthority(host: string, keepPort: boolean): void {
        const u = this.#url;
        const cred = u.username || u.password ? `${u.username}${u.password ? ':' + u.password : ''}@` : '';
        const port = keepPort && u.port !== null ? `:${u.port}` : '';
        const rest = serializePath(u) + (u.query === null ? '' : '?' + u.query) + (u.fragment === null ? '' : '#' + u.fragment);
        const record = parseURL(`${u.scheme}://${cred}${host}${port}${rest}`, null);
        if (record && (record.host !== null || !isSpecial(u.scheme))) {
            this.#url = record;
        }
    }

    get pathname(): string {
        return serializePath(this.#url);
    }

    set pathname(value: string) {
        const u = this.#url;
        if (typeof u.path === 'string') return;
        let p = String(value).replace(/\?/g, '%3F').replace(/#/g, '%23');
        const special = isSpecial(u.scheme);
        if (special || u.host !== null) {
            if (!p.startsWith('/') && !(special && p.startsWith('\\'))) p = '/' + p;
        }
        const origin = u.host === null ? `${u.scheme}:` : serializeURL({ ...u, path: [], query: null, fragment: null });
        const prefix = u.host === null && p.startsWith('//') ? '/.' : '';
        const record = parseURL(origin + prefix + p, null);
        if (record && typeof record.path !== 'string') u.path = record.path;
    }

    get search(): string {
        const q = this.#url.query;
        return q === null || q === '' ? '' : '?' + q;
    }

    set search(value: string) {
        let s = String(value);
        if (s.startsWith('?')) s = s.slice(1);
        const u = this.#url;
        u.query = s === '' ? null : percentEncode(s, isSpecial(u.scheme) ? SPECIAL_QUERY : QUERY);
        this.#params[kReset](u.query);
    }

    /** searchParams is live: changing it changes search, and the other way round. */
    get searchParams(): URLSearchParams {
        return this.#params;
    }

    get hash(): string {
        const f = this.#url.fragment;
        return f === null || f === '' ? '' : '#' + f;
    }

    set hash(value: string) {
        let s = String(value);
        if (s.startsWith('#')) s = s.slice(1);
        this.#url.fragment = s === '' ? null : percentEncode(s, FRAGMENT);
    }

    toString(): string {
        return this.href;
    }

    toJSON(): string {
        return this.href;
    }

    get [Symbol.toStringTag](): string {
        return 'URL';
    }
}

// Keep the class names whatever a bundler renames the bindings to.
Object.defineProperty(URL, 'name', { value: 'URL' });
