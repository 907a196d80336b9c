/**
 * WHATWG URL host parsing: domains (lower-cased, NFKC, Punycode), IPv4 in
 * all its legacy forms, IPv6 with compression, and opaque hosts of
 * non-special schemes. Each parser returns the serialised host, or null
 * for a failure.
 */

import { C0_CONTROL, percentDecode, percentEncode } from './percent';
import { punycodeDecode, punycodeEncode } from './punycode';

const FORBIDDEN_HOST = /[\u0000\t\n\r #/:<>?@[\\\]^|]/;
const FORBIDDEN_DOMAIN = /[\u0000-\u001f #%/:<>?@[\\\]^|\u007f]/;

/** parseHost parses a URL's host; opaque is true for non-special schemes. */
export function parseHost(input: string, opaque: boolean): string | null {
    if (input.startsWith('[')) {
        if (!input.endsWith(']')) return null;
        const v6 = parseIPv6(input.slice(1, -1));
        return v6 === null ? null : `[${serializeIPv6(v6)}]`;
    }
    if (opaque) {
        if (FORBIDDEN_HOST.test(input)) return null;
        return percentEncode(input, C0_CONTROL);
    }
    const ascii = domainToASCII(percentDecode(input));
    if (ascii === null || ascii === '' || FORBIDDEN_DOMAIN.test(ascii)) return null;
    if (endsInANumber(ascii)) {
        const v4 = parseIPv4(ascii);
        return v4 === null ? null : serializeIPv4(v4);
    }
    return ascii;
}

/**
 * domainToASCII maps a domain as UTS #46 roughly does (NFKC, lower case,
 * ideographic dots, soft hyphens dropped) and Punycode-encodes its
 * non-ASCII labels; null when a label cannot be encoded.
 */
export function domainToASCII(domain: string): string | null {
    let d = domain;
    if (/[^\x00-\x7f]/.test(d)) d = d.normalize('NFKC');
    d = d.toLowerCase().replace(/[\u3002\uff0e\uff61]/g, '.').replace(/\u00ad/g, '');
    if (!/[^\x00-\x7f]/.test(d)) {
        // xn-- labels must decode.
        for (const label of d.split('.')) {
            if (label.startsWith('xn--') && !validPunycodeLabel(label.slice(4))) return null;
        }
        return d;
    }
    const labels = d.split('.');
    if (labels.some((label) => label.startsWith('xn--'))) return null; // an xn-- label must be all ASCII
    return labels.map((label) => (/[^\x00-\x7f]/.test(label) ? 'xn--' + punycodeEncode(label) : label)).join('.');
}

/**
 * validPunycodeLabel reports an "xn--" label body that decodes to a
 * non-ASCII label without controls and encodes back to itself.
 */
function validPunycodeLabel(body: string): boolean {
    const decoded = punycodeDecode(body);
    if (decoded === null || decoded === '' || !/[^\x00-\x7f]/.test(decoded) || /[^a-z0-9\-\u00a0-\u{10ffff}]/u.test(decoded)) return false;
    return punycodeEncode(decoded) === body;
}

/** domainToUnicode decodes a domain's "xn--" labels. */
export function domainToUnicode(domain: string): string {
    return domain
        .toLowerCase()
        .split('.')
        .map((label) => (label.startsWith('xn--') ? (punycodeDecode(label.slice(4)) ?? label) : label))
        .join('.');
}

function endsInANumber(input: string): boolean {
    const parts = input.split('.');
    if (parts[parts.length - 1] === '') {
        if (parts.length === 1) return false;
        parts.pop();
    }
    const last = parts[parts.length - 1];
    return /^[0-9]+$/.test(last) || /^0[xX][0-9a-fA-F]*$/.test(last);
}

function parseIPv4Number(s: string): number | null {
    if (s === '') return null;
    let radix = 10;
    if (/^0[xX]/.test(s)) {
        radix = 16;
        s = s.slice(2);
    } else if (s.length > 1 && s[0] === '0') {
        radix = 8;
        s = s.slice(1);
    }
    if (s === '') return 0;
    const valid = radix === 10 ? /^[0-9]+$/ : radix === 16 ? /^[0-9a-fA-F]+$/ : /^[0-7]+$/;
    if (!valid.test(s)) return null;
    return parseInt(s, radix);
}

function parseIPv4(input: string): number | null {
    const parts = input.split('.');
    if (parts[parts.length - 1] === '' && parts.length > 1) parts.pop();
    if (parts.length > 4) return null;
    const numbers: number[] = [];
    for (const p of parts) {
        const n = parseIPv4Number(p);
        if (n === null) return null;
        numbers.push(n);
    }
    for (let i = 0; i < numbers.length - 1; i++) if (numbers[i] > 255) return null;
    const last = numbers[numbers.length - 1];
    if (last >= 256 ** (5 - numbers.length)) return null;
    let ipv4 = last;
    for (let i = 0; i < numbers.length - 1; i++) ipv4 += numbers[i] * 256 ** (3 - i);
    return ipv4;
}

function serializeIPv4(n: number): string {
    const out: number[] = [];
    for (let i = 0; i < 4; i++) {
        out.unshift(n % 256);
        n = Math.floor(n / 256);
    }
    return out.join('.');
}

const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/** parseIPv6 is the WHATWG IPv6 parser: eight 16-bit pieces, or null. */
function parseIPv6(input: string): number[] | null {
    const address = [0, 0, 0, 0, 0, 0, 0, 0];
    let piece = 0;
    let compress: number | null = null;
    let p = 0;
    const c = () => input[p];
    if (c() === ':') {
        if (input[p + 1] !== ':') return null;
        p += 2;
        compress = ++piece;
    }
    while (c() !== undefined) {
        if (piece === 8) return null;
        if (c() === ':') {
            if (compress !== null) return null;
            p++;
            compress = ++piece;
            continue;
        }
        let value = 0;
        let length = 0;
        while (length < 4 && isHex(c())) {
            value = value * 16 + parseInt(c(), 16);
            p++;
            length++;
        }
        if (c() === '.') {
            if (length === 0) return null;
            p -= length;
            if (piece > 6) return null;
            let seen = 0;
            while (c() !== undefined) {
                let v4: number | null = null;
                if (seen > 0) {
                    if (c() === '.' && seen < 4) p++;
                    else return null;
                }
                if (!isDigit(c())) return null;
                while (isDigit(c())) {
                    const n = Number(c());
                    if (v4 === null) v4 = n;
                    else if (v4 === 0) return null;
                    else v4 = v4 * 10 + n;
                    if (v4 > 255) return null;
                    p++;
                }
                address[piece] = address[piece] * 0x100 + (v4 as number);
                seen++;
                if (seen === 2 || seen === 4) piece++;
            }
            if (seen !== 4) return null;
            break;
        } else if (c() === ':') {
            p++;
            if (c() === undefined) return null;
        } else if (c() !== undefined) {
            return null;
        }
        address[piece++] = value;
    }
    if (compress !== null) {
        let swaps = piece - compress;
        piece = 7;
        while (piece !== 0 && swaps > 0) {
            const t = address[compress + swaps - 1];
            address[compress + swaps - 1] = address[piece];
            address[piece] = t;
            piece--;
            swaps--;
        }
    } else if (piece !== 8) {
        return null;
    }
    return address;
}

function serializeIPv6(address: number[]): string {
    // The first longest run of two or more zero pieces is compressed.
    let best = -1;
    let bestLen = 1;
    for (let i = 0; i < 8; ) {
        let j = i;
        while (j < 8 && address[j] === 0) j++;
        if (j - i > bestLen) {
            best = i;
            bestLen = j - i;
        }
        i = j === i ? i + 1 : j;
    }
    let out = '';
    let ignore0 = false;
    for (let i = 0; i < 8; i++) {
        if (ignore0 && address[i] === 0) continue;
        ignore0 = false;
        if (best === i) {
            out += i === 0 ? '::' : ':';
            ignore0 = true;
            continue;
        }
        out += address[i].toString(16);
        if (i !== 7) out += ':';
    }
    return out;
}
