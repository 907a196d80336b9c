/**
 * The JSON text `run` resolves to (docs/JS.md): {"output": …} or
 * {"error": {code, message, payload?, upstream?}}, and how a thrown value
 * becomes the error.
 */

import { isActionError } from '../errors';
import { isHostError } from '../shared/host';
import { describeValue, toJSONSafe } from '../shared/json';
import { upstreamOf } from './http';

/** ErrorBody is the error object of a run result. */
export interface ErrorBody {
    code: string;
    message: string;
    payload?: unknown;
    upstream?: { status: number; headers: Record<string, string>; body: unknown };
}

const codedBrand = Symbol.for('ferry.CodedError');

/** codedError is an Error the runtime raises with a result code (invalid_input…). */
export function codedError(code: string, message: string): Error {
    const err = new Error(message) as Error & { code: string };
    err.code = code;
    Object.defineProperty(err, codedBrand, { value: true });
    return err;
}

/** messageWithStack is an Error's message followed by its stack frames. */
function messageWithStack(err: Error): string {
    const message = err.message || err.name || 'Error';
    let stack = typeof err.stack === 'string' ? err.stack : '';
    let header = '';
    try {
        header = String(err);
    } catch {
        // an Error whose toString throws
    }
    if (header && stack.startsWith(header)) stack = stack.slice(header.length);
    stack = stack.replace(/^\n+/, '').replace(/\s+$/, '');
    return stack ? `${message}\n${stack}` : message;
}

/** toErrorBody classifies a thrown value. */
export function toErrorBody(err: unknown): ErrorBody {
    if (isActionError(err)) {
        const payload = (err as { payload?: unknown }).payload;
        const body: ErrorBody = { code: 'action_error', message: err.message || 'action error' };
        if (payload !== undefined) body.payload = toJSONSafe(payload);
        return body;
    }
    const up = upstreamOf(err);
    if (up) {
        const { status, headers, body } = up.upstream;
        return { code: 'script_http_error', message: up.message || `upstream answered ${status}`, upstream: { status, headers: headers ?? {}, body: toJSONSafe(body ?? null) } };
    }
    if (isHostError(err)) return { code: err.code, message: err.message };
    if (typeof err === 'object' && err !== null && (err as Record<symbol, unknown>)[codedBrand]) {
        return { code: (err as { code: string }).code, message: (err as Error).message };
    }
    if (err instanceof Error) return { code: 'function_error', message: messageWithStack(err) };
    if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string') {
        return { code: 'function_error', message: (err as { message: string }).message };
    }
    return { code: 'function_error', message: describeValue(err) };
}

/** encodeOutput is the success result; an output JSON cannot hold is a function_error. */
export function encodeOutput(output: unknown): string {
    try {
        return JSON.stringify({ output: output === undefined ? null : output });
    } catch (err) {
        return encodeError(codedError('function_error', `the output is not JSON: ${(err as Error).message}`));
    }
}

/** encodeError is the error result; it never throws. */
export function encodeError(err: unknown): string {
    try {
        return JSON.stringify({ error: toErrorBody(err) });
    } catch {
        return JSON.stringify({ error: { code: 'function_error', message: 'the function failed with an error that cannot be described' } });
    }
}
