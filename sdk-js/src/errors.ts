/**
 * ActionError: what a function throws to answer with a structured error.
 */

const actionErrorBrand = Symbol.for('ferry.ActionError');

/**
 * ActionError makes an execution fail with code `action_error` and this
 * payload (Nango: `throw new nango.ActionError({ message: '…' })`).
 */
export class ActionError<T = Record<string, unknown>> extends Error {
    /** type is Nango's tag for these errors. */
    type: string;
    payload?: T;

    constructor(payload?: T) {
        const text = (payload as { message?: unknown } | undefined)?.message;
        const message = typeof text === 'string' ? text : '';
        super(message);
        this.name = 'ActionError';
        this.type = 'action_script_runtime_error';
        if (payload !== undefined) {
            this.payload = payload;
        }
        Object.defineProperty(this, actionErrorBrand, { value: true });
    }
}

/**
 * isActionError reports an ActionError, including one from another copy of
 * this module or a look-alike with Nango's type tag.
 */
export function isActionError(err: unknown): err is ActionError {
    if (typeof err !== 'object' || err === null) return false;
    return err instanceof ActionError || (err as Record<symbol, unknown>)[actionErrorBrand] === true || (err as { type?: unknown }).type === 'action_script_runtime_error';
}
