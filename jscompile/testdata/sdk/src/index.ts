// A fake of sdk-js's `nango` package for jscompile's tests: just enough of
// createSync, createAction and createOnEvent to describe a definition.
export type Definition = { type: 'sync' | 'action' | 'on-event'; [key: string]: unknown };

export function createSync(options: Record<string, unknown>): Definition {
    return { ...options, type: 'sync' };
}

export function createAction(options: Record<string, unknown>): Definition {
    return { ...options, type: 'action' };
}

export function createOnEvent(options: Record<string, unknown>): Definition {
    return { ...options, type: 'on-event' };
}
