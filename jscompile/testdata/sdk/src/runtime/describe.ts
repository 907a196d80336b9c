import type { Definition } from '../index';

const types = ['sync', 'action', 'on-event'];
const plain = ['description', 'version', 'frequency', 'autoStart', 'syncType', 'trackDeletes',
    'webhookSubscriptions', 'scopes', 'endpoints', 'event'];

export function describe(def: Definition, zod: any): Record<string, unknown> {
    if (!zod) {
        throw new Error('describe needs zod');
    }
    if (def === null || typeof def !== 'object' || !types.includes(def.type)) {
        throw new Error('the default export is not the result of createSync, createAction or createOnEvent');
    }
    if (typeof def['exec'] !== 'function') {
        throw new Error('exec must be a function');
    }
    const out: Record<string, unknown> = { type: def.type };
    for (const key of plain) {
        if (def[key] !== undefined) {
            out[key] = def[key];
        }
    }
    const schema = (name: string, s: unknown) => {
        try {
            return zod.toJSONSchema(s);
        } catch (e) {
            throw new Error(`${name} is not a zod schema: ${(e as Error).message}`);
        }
    };
    if (def['models']) {
        out['models'] = Object.fromEntries(
            Object.entries(def['models'] as object).map(([name, s]) => [name, schema(`model ${name}`, s)]),
        );
    }
    for (const key of ['input', 'output', 'metadata', 'checkpoint']) {
        if (def[key] !== undefined) {
            out[key] = schema(key, def[key]);
        }
    }
    return out;
}
