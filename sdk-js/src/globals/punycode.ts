/**
 * Punycode (RFC 3492) for internationalised domain labels, used by URL
 * host parsing and node:url's domainToASCII/domainToUnicode.
 */

const BASE = 36;
const TMIN = 1;
const TMAX = 26;
const SKEW = 38;
const DAMP = 700;
const INITIAL_BIAS = 72;
const INITIAL_N = 128;

function adapt(delta: number, numPoints: number, firstTime: boolean): number {
    delta = firstTime ? Math.floor(delta / DAMP) : delta >> 1;
    delta += Math.floor(delta / numPoints);
    let k = 0;
    while (delta > ((BASE - TMIN) * TMAX) >> 1) {
        delta = Math.floor(delta / (BASE - TMIN));
        k += BASE;
    }
    return k + Math.floor(((BASE - TMIN + 1) * delta) / (delta + SKEW));
}

function digit(d: number): string {
    return String.fromCharCode(d + 22 + 75 * (d < 26 ? 1 : 0));
}

/** punycodeEncode encodes one label's code points (without the "xn--" prefix). */
export function punycodeEncode(label: string): string {
    const input = Array.from(label, (ch) => ch.codePointAt(0)!);
    let out = input.filter((c) => c < 0x80).map((c) => String.fromCharCode(c)).join('');
    const basic = out.length;
    let handled = basic;
    if (basic > 0) out += '-';
    let n = INITIAL_N;
    let delta = 0;
    let bias = INITIAL_BIAS;
    while (handled < input.length) {
        let m = Infinity;
        for (const c of input) if (c >= n && c < m) m = c;
        delta += (m - n) * (handled + 1);
        n = m;
        for (const c of input) {
            if (c < n) delta++;
            if (c !== n) continue;
            let q = delta;
            for (let k = BASE; ; k += BASE) {
                const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
                if (q < t) break;
                out += digit(t + ((q - t) % (BASE - t)));
                q = Math.floor((q - t) / (BASE - t));
            }
            out += digit(q);
            bias = adapt(delta, handled + 1, handled === basic);
            delta = 0;
            handled++;
        }
        delta++;
        n++;
    }
    return out;
}

function digitValue(c: number): number {
    if (c >= 0x30 && c < 0x3a) return c - 22;
    if (c >= 0x41 && c < 0x5b) return c - 0x41;
    if (c >= 0x61 && c < 0x7b) return c - 0x61;
    return BASE;
}

/** punycodeDecode decodes one label (without "xn--"); it returns null for invalid input. */
export function punycodeDecode(input: string): string | null {
    const out: number[] = [];
    let basic = input.lastIndexOf('-');
    if (basic < 0) basic = 0;
    for (let j = 0; j < basic; j++) {
        if (input.charCodeAt(j) >= 0x80) return null;
        out.push(input.charCodeAt(j));
    }
    let n = INITIAL_N;
    let bias = INITIAL_BIAS;
    let i = 0;
    for (let index = basic > 0 ? basic + 1 : 0; index < input.length; ) {
        const oldi = i;
        for (let w = 1, k = BASE; ; k += BASE) {
            if (index >= input.length) return null;
            const d = digitValue(input.charCodeAt(index++));
            if (d >= BASE) return null;
            i += d * w;
            const t = k <= bias ? TMIN : k >= bias + TMAX ? TMAX : k - bias;
            if (d < t) break;
            w *= BASE - t;
        }
        bias = adapt(i - oldi, out.length + 1, oldi === 0);
        n += Math.floor(i / (out.length + 1));
        i %= out.length + 1;
        if (n > 0x10ffff) return null;
        out.splice(i++, 0, n);
    }
    return String.fromCodePoint(...out);
}
