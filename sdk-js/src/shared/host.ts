/**
 * The one door to the host: the synchronous global `__ferry_host(name,
 * requestJSON)` the engine defines before the script runs (docs/JS.md).
 * Every capability of docs/ABI.md is reached through {@link hostCall}.
 */

/** The error object a capability answers with, as in docs/ABI.md. */
export interface HostErrorBody {
    code: string;
    message: string;
    upstream?: Upstream;
}

/** An upstream HTTP answer outside 2xx, as the host reports it. */
export interface Upstream {
    status: number;
    headers?: Record<string, string>;
    body?: unknown;
}

const hostErrorBrand = Symbol.for('ferry.HostError');

/**
 * HostError is a capability's error answer, thrown. Its `code` is one of
 * docs/ABI.md's error codes; the runtime passes it through unchanged when
 * a function lets it escape.
 */
export class HostError extends Error {
    readonly code: string;
    readonly upstream?: Upstream;
    /** The capability that answered the error. */
    readonly capability: string;

    constructor(capability: string, body: HostErrorBody) {
        super(body.message || body.code);
        this.name = 'HostError';
        this.code = body.code;
        this.capability = capability;
        if (body.upstream) {
            this.upstream = body.upstream;
        }
        Object.defineProperty(this, hostErrorBrand, { value: true });
    }
}

/** isHostError reports a {@link HostError}, even one from another copy of this module. */
export function isHostError(err: unknown): err is HostError {
    return typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[hostErrorBrand] === true;
}

/**
 * isMissingCapability reports the host's answer to a capability it does
 * not implement: `invalid_request` "no host function …".
 */
export function isMissingCapability(err: unknown): boolean {
    return isHostError(err) && err.code === 'invalid_request' && /no host function/.test(err.message);
}

type HostFn = (name: string, request: string) => string;

function hostFn(): HostFn {
    const fn = (globalThis as { __ferry_host?: HostFn }).__ferry_host;
    if (typeof fn !== 'function') {
        throw new Error('__ferry_host is not defined: this script must run inside the ferry engine');
    }
    return fn;
}

/**
 * hostCall runs capability `name` with `request` (serialised to JSON) and
 * returns its result object, or throws a {@link HostError}.
 */
export function hostCall<T = Record<string, unknown>>(name: string, request: unknown = {}): T {
    const answer = hostFn()(name, JSON.stringify(request ?? {}));
    let parsed: unknown;
    try {
        parsed = JSON.parse(answer);
    } catch {
        throw new HostError(name, { code: 'internal_error', message: `${name}: the host answered invalid JSON` });
    }
    if (typeof parsed !== 'object' || parsed === null) {
        throw new HostError(name, { code: 'internal_error', message: `${name}: the host answered ${answer}` });
    }
    const err = (parsed as { error?: HostErrorBody }).error;
    if (err && typeof err === 'object') {
        throw new HostError(name, err);
    }
    return parsed as T;
}

/**
 * hostCallOr is {@link hostCall}, except that a capability this ferry
 * version does not implement becomes an Error naming the SDK method
 * (`what`, e.g. "nango.triggerAction").
 */
export function hostCallOr<T = Record<string, unknown>>(what: string, name: string, request: unknown = {}): T {
    try {
        return hostCall<T>(name, request);
    } catch (err) {
        if (isMissingCapability(err)) {
            throw unavailable(what);
        }
        throw err;
    }
}

/** unavailable is the Error for an SDK method this ferry version cannot serve. */
export function unavailable(what: string): Error {
    const err = new Error(`${what} is not available in this ferry version`);
    (err as Error & { code: string }).code = 'not_available';
    return err;
}
