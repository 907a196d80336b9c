/**
 * A small util.inspect/util.format for console output: one line per
 * value, Node's notation for common types ({ a: 1 }, [ 1, 2 ], Map(1)
 * { 'k' => 1 }, <Buffer 68 69>, [Function: f], [Circular *1]).
 */

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** quote quotes a string as Node does: single quotes, else double, else backticks. */
function quote(s: string): string {
    const q = !s.includes("'") ? "'" : !s.includes('"') ? '"' : !s.includes('`') && !s.includes('${') ? '`' : "'";
    const escaped = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
    return q + (q === "'" ? escaped.replace(/'/g, "\\'") : escaped) + q;
}

function errorText(e: Error): string {
    const head = `${e.name || 'Error'}: ${e.message}`;
    const stack = typeof e.stack === 'string' ? e.stack : '';
    if (!stack) return e.message === '' ? `[${e.name || 'Error'}]` : `[${head}]`;
    return stack.startsWith(e.name) || stack.startsWith(head) ? stack : `${head}\n${stack.replace(/\n$/, '')}`;
}

function functionText(f: Function): string {
    const src = Function.prototype.toString.call(f);
    if (/^class\b/.test(src)) return `[class ${f.name || '(anonymous)'}]`;
    const kind = Object.prototype.toString.call(f).slice(8, -1);
    const label = kind === 'AsyncFunction' || kind === 'GeneratorFunction' || kind === 'AsyncGeneratorFunction' ? kind : 'Function';
    return f.name ? `[${label}: ${f.name}]` : `[${label} (anonymous)]`;
}

function bytesText(b: Uint8Array, max = 50): string {
    let s = '';
    for (let i = 0; i < Math.min(b.length, max); i++) s += (i ? ' ' : '') + b[i].toString(16).padStart(2, '0');
    if (b.length > max) s += ` ... ${b.length - max} more byte${b.length - max > 1 ? 's' : ''}`;
    return s;
}

function keyText(k: string | symbol): string {
    if (typeof k === 'symbol') return `[${k.toString()}]`;
    return IDENT.test(k) ? k : quote(k);
}

function braces(prefix: string, items: string[], open = '{', close = '}'): string {
    const p = prefix ? prefix + ' ' : '';
    return items.length === 0 ? `${p}${open}${close}` : `${p}${open} ${items.join(', ')} ${close}`;
}

/** inspect renders value as Node's util.inspect would, on one line. */
export function inspect(value: unknown, options: { depth?: number } = {}): string {
    const maxDepth = options.depth ?? 2;
    const stack: object[] = [];

    const show = (v: unknown, depth: number, nested: boolean): string => {
        switch (typeof v) {
            case 'string':
                return nested ? quote(v) : v;
            case 'number':
                return Object.is(v, -0) ? '-0' : String(v);
            case 'bigint':
                return `${v}n`;
            case 'symbol':
                return v.toString();
            case 'undefined':
                return 'undefined';
            case 'boolean':
                return String(v);
            case 'function':
                return functionText(v);
        }
        if (v === null) return 'null';
        const o = v as object;
        if (stack.includes(o)) return '[Circular *1]';
        const t = Object.prototype.toString.call(o).slice(8, -1);
        if (o instanceof Error) return errorText(o);
        if (o instanceof Date) return Number.isNaN(o.getTime()) ? 'Invalid Date' : o.toISOString();
        if (o instanceof RegExp) return o.toString();
        const ctor = (o as { constructor?: { name?: string } }).constructor;
        const name = Object.getPrototypeOf(o) === null ? '[Object: null prototype]' : (ctor?.name ?? 'Object');
        if (ArrayBuffer.isView(o) && !(o instanceof DataView)) {
            const arr = o as unknown as ArrayLike<number | bigint>;
            if (name === 'Buffer') return `<Buffer${arr.length ? ' ' + bytesText(o as Uint8Array) : ''}>`;
            const items = Array.from({ length: Math.min(arr.length, 100) }, (_, i) => show(arr[i], depth + 1, true));
            if (arr.length > 100) items.push(`... ${arr.length - 100} more items`);
            return braces(`${name}(${arr.length})`, items, '[', ']');
        }
        if (o instanceof ArrayBuffer) return `ArrayBuffer { [Uint8Contents]: <${bytesText(new Uint8Array(o))}>, byteLength: ${o.byteLength} }`;
        if (t === 'URL') return `URL { href: ${quote(String((o as { href: string }).href))} }`;
        if (t === 'Promise') return 'Promise { <unknown> }';
        if (depth > maxDepth) return Array.isArray(o) ? '[Array]' : `[${name === '[Object: null prototype]' ? 'Object: null prototype' : name}]`;
        stack.push(o);
        try {
            if (Array.isArray(o)) {
                const items: string[] = [];
                let holes = 0;
                const flush = () => {
                    if (holes) items.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
                    holes = 0;
                };
                for (let i = 0; i < Math.min(o.length, 100); i++) {
                    if (!(i in o)) {
                        holes++;
                        continue;
                    }
                    flush();
                    items.push(show(o[i], depth + 1, true));
                }
                flush();
                if (o.length > 100) items.push(`... ${o.length - 100} more items`);
                for (const k of Object.keys(o)) if (!/^\d+$/.test(k)) items.push(`${keyText(k)}: ${show((o as unknown as Record<string, unknown>)[k], depth + 1, true)}`);
                return braces(name === 'Array' ? '' : `${name}(${o.length})`, items, '[', ']');
            }
            if (o instanceof Map) {
                const items = Array.from(o, ([k, val]) => `${show(k, depth + 1, true)} => ${show(val, depth + 1, true)}`);
                return braces(`${name}(${o.size})`, items);
            }
            if (o instanceof Set) return braces(`${name}(${o.size})`, Array.from(o, (item) => show(item, depth + 1, true)));
            if (t === 'URLSearchParams') {
                const entries = Array.from(o as Iterable<[string, string]>, ([k, val]) => `${quote(k)} => ${quote(val)}`);
                return braces('URLSearchParams', entries);
            }
            const items: string[] = [];
            for (const k of Reflect.ownKeys(o)) {
                const desc = Object.getOwnPropertyDescriptor(o, k)!;
                if (!desc.enumerable) continue;
                if (desc.get || desc.set) items.push(`${keyText(k)}: [${desc.get && desc.set ? 'Getter/Setter' : desc.get ? 'Getter' : 'Setter'}]`);
                else items.push(`${keyText(k)}: ${show(desc.value, depth + 1, true)}`);
            }
            const wrapper = ['Boolean', 'Number', 'String'].includes(t) ? `[${t}: ${show((o as { valueOf(): unknown }).valueOf(), depth, true)}]` : '';
            if (wrapper) return items.length ? braces(wrapper, items) : wrapper;
            return braces(name === 'Object' ? '' : name, items);
        } finally {
            stack.pop();
        }
    };
    return show(value, 0, false);
}

function hasOwnToString(v: object): boolean {
    for (let p = v; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
        if (Object.prototype.hasOwnProperty.call(p, 'toString') && p !== Error.prototype && p !== Array.prototype && p !== Date.prototype) return true;
    }
    return false;
}

/** format is Node's util.format: printf-like %s %d %i %f %j %o %O %c %%, then the rest joined by spaces. */
export function format(...args: unknown[]): string {
    if (args.length === 0) return '';
    const first = args[0];
    let out = '';
    let next = 1;
    if (typeof first === 'string') {
        let last = 0;
        for (let i = 0; i < first.length - 1; i++) {
            if (first.charCodeAt(i) !== 37) continue; // '%'
            const d = first[i + 1];
            if (d === '%') {
                out += first.slice(last, i) + '%';
                last = i + 2;
                i++;
                continue;
            }
            if (!'sdifjoOc'.includes(d) || next >= args.length) continue;
            const a = args[next++];
            let s: string;
            switch (d) {
                case 's':
                    s = typeof a === 'bigint' ? `${a}n` : typeof a === 'object' && a !== null && !hasOwnToString(a) ? inspect(a, { depth: 0 }) : typeof a === 'symbol' ? a.toString() : String(a);
                    break;
                case 'd':
                    s = typeof a === 'bigint' ? `${a}n` : typeof a === 'object' && a !== null ? 'NaN' : typeof a === 'symbol' ? 'NaN' : show(Number(a));
                    break;
                case 'i':
                    s = typeof a === 'bigint' ? `${a}n` : typeof a === 'symbol' ? 'NaN' : show(parseInt(String(a), 10));
                    break;
                case 'f':
                    s = typeof a === 'symbol' ? 'NaN' : show(parseFloat(String(a)));
                    break;
                case 'j':
                    try {
                        s = JSON.stringify(a) ?? 'undefined';
                    } catch {
                        s = '[Circular]';
                    }
                    break;
                case 'o':
                    s = inspect(a, { depth: 4 });
                    break;
                case 'O':
                    s = inspect(a);
                    break;
                default: // %c: CSS, consumed and dropped
                    s = '';
            }
            out += first.slice(last, i) + s;
            last = i + 2;
            i++;
        }
        out += first.slice(last);
    } else {
        next = 0;
    }
    for (; next < args.length; next++) {
        const a = args[next];
        out += (out === '' && next === 0 ? '' : ' ') + (typeof a === 'string' ? a : inspect(a));
    }
    return out;
}

function show(n: number): string {
    return Object.is(n, -0) ? '-0' : String(n);
}
