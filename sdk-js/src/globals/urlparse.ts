/**
 * The WHATWG basic URL parser (without state override) and serialiser.
 * URL (url.ts) keeps a URLRecord and implements its setters by
 * re-parsing.
 */

import { C0_CONTROL, FRAGMENT, PATH, QUERY, SPECIAL_QUERY, USERINFO, percentEncode } from './percent';
import { parseHost } from './urlhost';

/** URLRecord is a parsed URL. path is a string when the URL has an opaque path. */
export interface URLRecord {
    scheme: string;
    username: string;
    password: string;
    host: string | null;
    port: number | null;
    path: string[] | string;
    query: string | null;
    fragment: string | null;
}

/** SPECIAL maps the special schemes to their default ports. */
export const SPECIAL: Record<string, number | null> = { ftp: 21, file: null, http: 80, https: 443, ws: 80, wss: 443 };

/** isSpecial reports a special scheme. */
export function isSpecial(scheme: string): boolean {
    return Object.prototype.hasOwnProperty.call(SPECIAL, scheme);
}

const enum S {
    SchemeStart,
    Scheme,
    NoScheme,
    SpecialRelativeOrAuthority,
    PathOrAuthority,
    Relative,
    RelativeSlash,
    SpecialAuthoritySlashes,
    SpecialAuthorityIgnoreSlashes,
    Authority,
    Host,
    Port,
    File,
    FileSlash,
    FileHost,
    PathStart,
    Path,
    OpaquePath,
    Query,
    Fragment,
}

const isAlpha = (c: string | undefined) => c !== undefined && /^[A-Za-z]$/.test(c);
const isWindowsDriveLetter = (s: string) => s.length === 2 && isAlpha(s[0]) && (s[1] === ':' || s[1] === '|');
const isNormalizedDriveLetter = (s: string) => s.length === 2 && isAlpha(s[0]) && s[1] === ':';
const isSingleDot = (s: string) => s === '.' || s.toLowerCase() === '%2e';
const isDoubleDot = (s: string) => ['..', '.%2e', '%2e.', '%2e%2e'].includes(s.toLowerCase());

function startsWithDriveLetter(cps: string[], p: number): boolean {
    if (cps.length - p < 2 || !isWindowsDriveLetter(cps[p] + cps[p + 1])) return false;
    return cps.length - p === 2 || ['/', '\\', '?', '#'].includes(cps[p + 2]);
}

function shortenPath(url: URLRecord): void {
    const path = url.path as string[];
    if (url.scheme === 'file' && path.length === 1 && isNormalizedDriveLetter(path[0])) return;
    path.pop();
}

/** parseURL parses input against an optional base; null when it is not a valid URL. */
export function parseURL(input: string, base: URLRecord | null): URLRecord | null {
    input = input.replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
    const cps = Array.from(input);
    const url: URLRecord = { scheme: '', username: '', password: '', host: null, port: null, path: [], query: null, fragment: null };
    let state = S.SchemeStart;
    let buffer = '';
    let atSignSeen = false;
    let insideBrackets = false;
    let passwordTokenSeen = false;
    const special = () => isSpecial(url.scheme);
    const path = () => url.path as string[];

    for (let p = 0; ; p++) {
        const c: string | undefined = cps[p];
        switch (state) {
            case S.SchemeStart:
                if (isAlpha(c)) {
                    buffer += c!.toLowerCase();
                    state = S.Scheme;
                } else {
                    state = S.NoScheme;
                    p--;
                }
                break;
            case S.Scheme:
                if (c !== undefined && /^[A-Za-z0-9+\-.]$/.test(c)) {
                    buffer += c.toLowerCase();
                } else if (c === ':') {
                    url.scheme = buffer;
                    buffer = '';
                    if (url.scheme === 'file') state = S.File;
                    else if (special() && base && base.scheme === url.scheme) state = S.SpecialRelativeOrAuthority;
                    else if (special()) state = S.SpecialAuthoritySlashes;
                    else if (cps[p + 1] === '/') {
                        state = S.PathOrAuthority;
                        p++;
                    } else {
                        url.path = '';
                        state = S.OpaquePath;
                    }
                } else {
                    buffer = '';
                    state = S.NoScheme;
                    p = -1;
                }
                break;
            case S.NoScheme:
                if (!base || (typeof base.path === 'string' && c !== '#')) return null;
                if (typeof base.path === 'string' && c === '#') {
                    url.scheme = base.scheme;
                    url.path = base.path;
                    url.query = base.query;
                    url.fragment = '';
                    state = S.Fragment;
                } else if (base.scheme !== 'file') {
                    state = S.Relative;
                    p--;
                } else {
                    state = S.File;
                    p--;
                }
                break;
            case S.SpecialRelativeOrAuthority:
                if (c === '/' && cps[p + 1] === '/') {
                    state = S.SpecialAuthorityIgnoreSlashes;
                    p++;
                } else {
                    state = S.Relative;
                    p--;
                }
                break;
            case S.PathOrAuthority:
                if (c === '/') state = S.Authority;
                else {
                    state = S.Path;
                    p--;
                }
                break;
            case S.Relative:
                url.scheme = base!.scheme;
                if (c === '/' || (special() && c === '\\')) state = S.RelativeSlash;
                else {
                    url.username = base!.username;
                    url.password = base!.password;
                    url.host = base!.host;
                    url.port = base!.port;
                    url.path = (base!.path as string[]).slice();
                    url.query = base!.query;
                    if (c === '?') {
                        url.query = '';
                        state = S.Query;
                    } else if (c === '#') {
                        url.fragment = '';
                        state = S.Fragment;
                    } else if (c !== undefined) {
                        url.query = null;
                        shortenPath(url);
                        state = S.Path;
                        p--;
                    }
                }
                break;
            case S.RelativeSlash:
                if (special() && (c === '/' || c === '\\')) state = S.SpecialAuthorityIgnoreSlashes;
                else if (c === '/') state = S.Authority;
                else {
                    url.username = base!.username;
                    url.password = base!.password;
                    url.host = base!.host;
                    url.port = base!.port;
                    state = S.Path;
                    p--;
                }
                break;
            case S.SpecialAuthoritySlashes:
                state = S.SpecialAuthorityIgnoreSlashes;
                if (c === '/' && cps[p + 1] === '/') p++;
                else p--;
                break;
            case S.SpecialAuthorityIgnoreSlashes:
                if (c !== '/' && c !== '\\') {
                    state = S.Authority;
                    p--;
                }
                break;
            case S.Authority:
                if (c === '@') {
                    if (atSignSeen) buffer = '%40' + buffer;
                    atSignSeen = true;
                    for (const cp of Array.from(buffer)) {
                        if (cp === ':' && !passwordTokenSeen) {
                            passwordTokenSeen = true;
                            continue;
                        }
                        const enc = percentEncode(cp, USERINFO);
                        if (passwordTokenSeen) url.password += enc;
                        else url.username += enc;
                    }
                    buffer = '';
                } else if (c === undefined || c === '/' || c === '?' || c === '#' || (special() && c === '\\')) {
                    if (atSignSeen && buffer === '') return null;
                    p -= Array.from(buffer).length + 1;
                    buffer = '';
                    state = S.Host;
                } else {
                    buffer += c;
                }
                break;
            case S.Host:
                if (c === ':' && !insideBrackets) {
                    if (buffer === '') return null;
                    const host = parseHost(buffer, !special());
                    if (host === null) return null;
                    url.host = host;
                    buffer = '';
                    state = S.Port;
                } else if (c === undefined || c === '/' || c === '?' || c === '#' || (special() && c === '\\')) {
                    p--;
                    if (special() && buffer === '') return null;
                    const host = parseHost(buffer, !special());
                    if (host === null) return null;
                    url.host = host;
                    buffer = '';
                    state = S.PathStart;
                } else {
                    if (c === '[') insideBrackets = true;
                    if (c === ']') insideBrackets = false;
                    buffer += c;
                }
                break;
            case S.Port:
                if (c !== undefined && c >= '0' && c <= '9') {
                    buffer += c;
                } else if (c === undefined || c === '/' || c === '?' || c === '#' || (special() && c === '\\')) {
                    if (buffer !== '') {
                        const port = parseInt(buffer, 10);
                        if (port > 65535) return null;
                        url.port = SPECIAL[url.scheme] === port ? null : port;
                        buffer = '';
                    }
                    state = S.PathStart;
                    p--;
                } else {
                    return null;
                }
                break;
            case S.File:
                url.scheme = 'file';
                url.host = '';
                if (c === '/' || c === '\\') state = S.FileSlash;
                else if (base && base.scheme === 'file') {
                    url.host = base.host;
                    url.path = (base.path as string[]).slice();
                    url.query = base.query;
                    if (c === '?') {
                        url.query = '';
                        state = S.Query;
                    } else if (c === '#') {
                        url.fragment = '';
                        state = S.Fragment;
                    } else if (c !== undefined) {
                        url.query = null;
                        if (!startsWithDriveLetter(cps, p)) shortenPath(url);
                        else url.path = [];
                        state = S.Path;
                        p--;
                    }
                } else {
                    state = S.Path;
                    p--;
                }
                break;
            case S.FileSlash:
                if (c === '/' || c === '\\') state = S.FileHost;
                else {
                    if (base && base.scheme === 'file') {
                        url.host = base.host;
                        const bp = base.path as string[];
                        if (!startsWithDriveLetter(cps, p) && bp.length > 0 && isNormalizedDriveLetter(bp[0])) path().push(bp[0]);
                    }
                    state = S.Path;
                    p--;
                }
                break;
            case S.FileHost:
                if (c === undefined || c === '/' || c === '\\' || c === '?' || c === '#') {
                    p--;
                    if (isWindowsDriveLetter(buffer)) state = S.Path;
                    else if (buffer === '') {
                        url.host = '';
                        state = S.PathStart;
                    } else {
                        let host = parseHost(buffer, !special());
                        if (host === null) return null;
                        if (host === 'localhost') host = '';
                        url.host = host;
                        buffer = '';
                        state = S.PathStart;
                    }
                } else {
                    buffer += c;
                }
                break;
            case S.PathStart:
                if (special()) {
                    state = S.Path;
                    if (c !== '/' && c !== '\\') p--;
                } else if (c === '?') {
                    url.query = '';
                    state = S.Query;
                } else if (c === '#') {
                    url.fragment = '';
                    state = S.Fragment;
                } else if (c !== undefined) {
                    state = S.Path;
                    if (c !== '/') p--;
                }
                break;
            case S.Path:
                if (c === undefined || c === '/' || (special() && c === '\\') || c === '?' || c === '#') {
                    const slash = c === '/' || (special() && c === '\\');
                    if (isDoubleDot(buffer)) {
                        shortenPath(url);
                        if (!slash) path().push('');
                    } else if (isSingleDot(buffer) && !slash) {
                        path().push('');
                    } else if (!isSingleDot(buffer)) {
                        if (url.scheme === 'file' && path().length === 0 && isWindowsDriveLetter(buffer)) buffer = buffer[0] + ':';
                        path().push(buffer);
                    }
                    buffer = '';
                    if (c === '?') {
                        url.query = '';
                        state = S.Query;
                    }
                    if (c === '#') {
                        url.fragment = '';
                        state = S.Fragment;
                    }
                } else {
                    buffer += percentEncode(c, PATH);
                }
                break;
            case S.OpaquePath:
                if (c === '?') {
                    url.query = '';
                    state = S.Query;
                } else if (c === '#') {
                    url.fragment = '';
                    state = S.Fragment;
                } else if (c !== undefined) {
                    url.path += percentEncode(c, C0_CONTROL);
                }
                break;
            case S.Query:
                if (c === '#' || c === undefined) {
                    url.query += percentEncode(buffer, special() ? SPECIAL_QUERY : QUERY);
                    buffer = '';
                    if (c === '#') {
                        url.fragment = '';
                        state = S.Fragment;
                    }
                } else {
                    buffer += c;
                }
                break;
            case S.Fragment:
                if (c !== undefined) url.fragment += percentEncode(c, FRAGMENT);
                break;
        }
        if (p >= cps.length) break;
    }
    return url;
}

/** serializePath is a URL's pathname. */
export function serializePath(url: URLRecord): string {
    if (typeof url.path === 'string') return url.path;
    let out = '';
    for (const seg of url.path) out += '/' + seg;
    return out;
}

/** serializeURL is a URL's href, optionally without its fragment. */
export function serializeURL(url: URLRecord, excludeFragment = false): string {
    let out = url.scheme + ':';
    if (url.host !== null) {
        out += '//';
        if (url.username !== '' || url.password !== '') {
            out += url.username;
            if (url.password !== '') out += ':' + url.password;
            out += '@';
        }
        out += url.host;
        if (url.port !== null) out += ':' + url.port;
    } else if (typeof url.path !== 'string' && url.path.length > 1 && url.path[0] === '') {
        out += '/.';
    }
    out += serializePath(url);
    if (url.query !== null) out += '?' + url.query;
    if (!excludeFragment && url.fragment !== null) out += '#' + url.fragment;
    return out;
}
