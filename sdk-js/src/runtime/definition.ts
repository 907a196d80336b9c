/**
 * Checking a function's definition — the default export of the user's
 * file, a createSync/createAction/createOnEvent result — with clear
 * messages for whatever is wrong.
 */

import { isZodObject, isZodSchema } from './zod';

/** Kind is a definition's type tag ('onEvent' as Nango writes it). */
export type Kind = 'sync' | 'action' | 'onEvent';

/** Definition is the loose shape of any definition. */
export interface Definition {
    type: Kind;
    description?: unknown;
    version?: unknown;
    exec: (...args: unknown[]) => unknown;
    onWebhook?: (...args: unknown[]) => unknown;
    [key: string]: unknown;
}

const MODEL_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
const EVENTS = ['post-connection-creation', 'pre-connection-deletion', 'validate-connection'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

function fail(message: string): never {
    throw new Error(`invalid function definition: ${message}`);
}

function kindOf(def: unknown): Kind {
    if (def === undefined || def === null) {
        fail('the file has no default export (write `export default createSync({...})`, createAction or createOnEvent)');
    }
    if (typeof def !== 'object') fail(`the default export is a ${typeof def}, not a createSync/createAction/createOnEvent result`);
    const type = (def as { type?: unknown }).type;
    if (type === 'sync' || type === 'action' || type === 'onEvent') return type;
    if (type === 'on-event') return 'onEvent';
    fail('the default export is not a createSync/createAction/createOnEvent result (it has no type "sync", "action" or "onEvent")');
}

function checkStrings(field: string, v: unknown): void {
    if (v === undefined) return;
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string' || s.trim() === '')) fail(`${field} must be an array of non-empty strings`);
}

function checkSchema(field: string, v: unknown, object = false): void {
    if (v === undefined) return;
    if (!isZodSchema(v)) fail(`${field} must be a zod schema`);
    if (object && !isZodObject(v)) fail(`${field} must be a z.object(...)`);
}

/** endpointsOf returns a definition's endpoints: a sync's `endpoints`, an action's `endpoint` (or `endpoints`). */
export function endpointsOf(def: Definition): Array<{ method: string; path: string; group?: string }> | undefined {
    const raw = def.type === 'action' && def.endpoint !== undefined ? [def.endpoint] : def.endpoints;
    if (raw === undefined) return undefined;
    if (!Array.isArray(raw)) fail(def.type === 'action' ? 'endpoint must be {method, path}' : 'endpoints must be an array of {method, path}');
    return raw.map((e, i) => {
        if (typeof e !== 'object' || e === null || typeof (e as { path?: unknown }).path !== 'string') fail(`endpoints[${i}] must be {method, path}`);
        const ep = e as { method?: unknown; path: string; group?: unknown };
        const method = String(ep.method ?? (def.type === 'action' ? 'POST' : 'GET')).toUpperCase();
        if (!METHODS.includes(method)) fail(`endpoints[${i}]: method ${JSON.stringify(ep.method)} is not one of ${METHODS.join(', ')}`);
        return typeof ep.group === 'string' && ep.group !== '' ? { method, path: ep.path, group: ep.group } : { method, path: ep.path };
    });
}

/** checkDefinition validates def and returns it typed; it throws an Error naming the first problem. */
export function checkDefinition(def: unknown): Definition {
    const kind = kindOf(def);
    const d = def as Definition;
    if (typeof d.exec !== 'function') fail(`exec must be a function (${kind === 'action' ? 'async (nango, input) => output' : 'async (nango) => {...}'})`);
    if (typeof d.description !== 'string') fail('description is required (a string)');
    if (d.version !== undefined && typeof d.version !== 'string') fail('version must be a string such as "1.0.0"');
    checkStrings('scopes', d.scopes);
    checkSchema('metadata', d.metadata);
    checkSchema('checkpoint', d.checkpoint, true);
    endpointsOf(d);
    if (kind === 'sync') {
        const frequency = d.frequency ?? d.runs;
        if (typeof frequency !== 'string' || frequency.trim() === '') fail('frequency is required for a sync (e.g. "every hour")');
        if (typeof d.models !== 'object' || d.models === null || Array.isArray(d.models)) fail('models must be an object of zod schemas ({ Name: z.object({ id: z.string(), ... }) })');
        const names = Object.keys(d.models);
        if (names.length === 0) fail('models: a sync needs at least one model');
        for (const name of names) {
            if (!MODEL_NAME.test(name)) fail(`model name ${JSON.stringify(name)} must be an identifier (letters, digits, _)`);
            const model = (d.models as Record<string, unknown>)[name];
            if (!isZodObject(model)) fail(`model ${name} must be a z.object(...)`);
            const shape = (model as { shape?: Record<string, unknown> }).shape;
            if (shape && !('id' in shape)) fail(`model ${name} needs an id field (z.string() or z.number())`);
        }
        if (d.autoStart !== undefined && typeof d.autoStart !== 'boolean') fail('autoStart must be a boolean');
        if (d.trackDeletes !== undefined && typeof d.trackDeletes !== 'boolean') fail('trackDeletes must be a boolean');
        if (d.syncType !== undefined && d.syncType !== 'full' && d.syncType !== 'incremental') fail('syncType must be "full" or "incremental"');
        checkStrings('webhookSubscriptions', d.webhookSubscriptions);
        if (d.onWebhook !== undefined && typeof d.onWebhook !== 'function') fail('onWebhook must be a function (nango, payload) => {...}');
    } else if (kind === 'action') {
        checkSchema('input', d.input);
        checkSchema('output', d.output);
    } else if (typeof d.event !== 'string' || !EVENTS.includes(d.event)) {
        fail(`event must be one of ${EVENTS.join(', ')}`);
    }
    return d;
}
