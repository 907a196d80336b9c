/**
 * URLSearchParams (WHATWG): an ordered list of name/value pairs, parsed
 * from and serialised to application/x-www-form-urlencoded. One that
 * belongs to a URL writes every change back to the URL's query.
 */

import { formDecode, formEncode } from './percent';

/** kAttach and kReset are how URL links itself to its searchParams (url.ts). */
export const kAttach = Symbol('ferry.urlsearchparams.attach');
export const kReset = Symbol('ferry.urlsearchparams.reset');

type Init = string | URLSearchParams | Record<string, string> | Iterable<readonly [string, string]> | undefined;

/** URLSearchParams is the WHATWG class. */
export class URLSearchParams {
    #list: Array<[string, string]> = [];
    #onChange: ((query: string | null) => void) | null = null;

    constructor(init?: Init) {
        if (init === undefined || init === null) return;
        if (typeof init === 'object' || typeof init === 'function') {
            const iter = (init as Iterable<unknown>)[Symbol.iterator];
            if (typeof iter === 'function') {
                for (const pair of init as Iterable<unknown>) {
                    if (typeof pair !== 'object' || pair === null || typeof (pair as Iterable<unknown>)[Symbol.iterator] !== 'function') {
                        throw new TypeError('Each query pair must be an iterable [name, value] tuple');
                    }
                    const items = Array.from(pair as Iterable<unknown>);
                    if (items.length !== 2) throw new TypeError('Each query pair must be an iterable [name, value] tuple');
                    this.#list.push([String(items[0]), String(items[1])]);
                }
            } else {
                for (const key of Object.keys(init)) {
                    this.#list.push([key, String((init as Record<string, unknown>)[key])]);
                }
            }
            return;
        }
        const s = String(init);
        this.#list = formDecode(s.startsWith('?') ? s.slice(1) : s);
    }

    /** [kAttach] links these params to a URL: onChange receives the new query. */
    [kAttach](onChange: (query: string | null) => void): void {
        this.#onChange = onChange;
    }

    /** [kReset] replaces the list from a query string (the URL's search changed). */
    [kReset](query: string | null): void {
        this.#list = query ? formDecode(query) : [];
    }

    #update(): void {
        if (this.#onChange) {
            const s = this.toString();
            this.#onChange(s === '' ? null : s);
        }
    }

    /** size is the number of pairs. */
    get size(): number {
        return this.#list.length;
    }

    append(name: string, value: string): void {
        this.#list.push([String(name), String(value)]);
        this.#update();
    }

    /** delete removes every pair named name (and, if given, with that value). */
    delete(name: string, value?: string): void {
        name = String(name);
        const v = value === undefined ? undefined : String(value);
        this.#list = this.#list.filter(([n, val]) => n !== name || (v !== undefined && val !== v));
        this.#update();
    }

    get(name: string): string | null {
        name = String(name);
        const pair = this.#list.find(([n]) => n === name);
        return pair ? pair[1] : null;
    }

    getAll(name: string): string[] {
        name = String(name);
        return this.#list.filter(([n]) => n === name).map(([, v]) => v);
    }

    has(name: string, value?: string): boolean {
        name = String(name);
        const v = value === undefined ? undefined : String(value);
        return this.#list.some(([n, val]) => n === name && (v === undefined || val === v));
    }

    /** set replaces the first pair named name and removes the others, or appends. */
    set(name: string, value: string): void {
        name = String(name);
        value = String(value);
        const i = this.#list.findIndex(([n]) => n === name);
        if (i < 0) this.#list.push([name, value]);
        else {
            this.#list[i] = [name, value];
            this.#list = this.#list.filter(([n], j) => j <= i || n !== name);
        }
        this.#update();
    }

    /** sort orders pairs by name (UTF-16 code units), keeping equal names in order. */
    sort(): void {
        this.#list = this.#list
            .map((pair, i) => ({ pair, i }))
            .sort((a, b) => (a.pair[0] < b.pair[0] ? -1 : a.pair[0] > b.pair[0] ? 1 : a.i - b.i))
            .map(({ pair }) => pair);
        this.#update();
    }

    forEach(callback: (value: string, name: string, params: URLSearchParams) => void, thisArg?: unknown): void {
        if (typeof callback !== 'function') throw new TypeError('The "callback" argument must be of type function');
        for (let i = 0; i < this.#list.length; i++) {
            const [n, v] = this.#list[i];
            callback.call(thisArg, v, n, this);
        }
    }

    *entries(): IterableIterator<[string, string]> {
        for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]];
    }

    *keys(): IterableIterator<string> {
        for (let i = 0; i < this.#list.length; i++) yield this.#list[i][0];
    }

    *values(): IterableIterator<string> {
        for (let i = 0; i < this.#list.length; i++) yield this.#list[i][1];
    }

    [Symbol.iterator](): IterableIterator<[string, string]> {
        return this.entries();
    }

    /** toString serialises as application/x-www-form-urlencoded (no leading "?"). */
    toString(): string {
        return this.#list.map(([n, v]) => formEncode(n) + '=' + formEncode(v)).join('&');
    }

    get [Symbol.toStringTag](): string {
        return 'URLSearchParams';
    }
}

// Keep the class names whatever a bundler renames the bindings to.
Object.defineProperty(URLSearchParams, 'name', { value: 'URLSearchParams' });
