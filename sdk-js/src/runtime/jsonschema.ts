/**
 * zodToJSONSchema turns a zod schema into JSON Schema (draft 2020-12)
 * without zod's own toJSONSchema: for zod 3, which has none, and for zod 4
 * schemas when the zod namespace given to register lacks it. It walks
 * zod 3's `_def.typeName` and zod 4's `_zod.def.type` alike (zod.ts).
 */

import { type ZodSchemaLike, zodKind } from './zod';

/** JSONSchema is a JSON Schema document. */
export type JSONSchema = Record<string, unknown>;

/** IO picks which side of transforms and defaults a schema describes. */
export type IO = 'input' | 'output';

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

type Def = Record<string, any>;

function defOf(s: ZodSchemaLike): Def {
    return (s._zod?.def ?? s._def ?? {}) as Def;
}

function isOptional(s: ZodSchemaLike, io: IO): boolean {
    const kind = zodKind(s);
    if (kind === 'default' || kind === 'prefault') return io === 'input';
    if (kind === 'optional') return true;
    const fn = (s as { isOptional?: () => boolean }).isOptional;
    return typeof fn === 'function' ? Boolean(fn.call(s)) : false;
}

function checksOf(d: Def): Def[] {
    // zod 3 keeps {kind, value}; zod 4 keeps check schemas whose _zod.def holds {check, ...}.
    return (Array.isArray(d.checks) ? d.checks : []).map((c: Def) => (c?._zod?.def ? { ...c._zod.def, kind: c._zod.def.check } : c));
}

function stringSchema(s: ZodSchemaLike, d: Def): JSONSchema {
    const out: JSONSchema = { type: 'string' };
    const bag = (s._zod as { bag?: Def } | undefined)?.bag;
    if (bag) {
        if (typeof bag.minimum === 'number') out.minLength = bag.minimum;
        if (typeof bag.maximum === 'number') out.maxLength = bag.maximum;
        if (typeof bag.format === 'string' && bag.format !== 'regex') out.format = bag.format === 'datetime' ? 'date-time' : bag.format;
        if (bag.patterns instanceof Set && bag.patterns.size === 1 && !out.format) out.pattern = [...bag.patterns][0].source;
        return out;
    }
    for (const c of checksOf(d)) {
        switch (c.kind) {
            case 'min':
                out.minLength = c.value;
                break;
            case 'max':
                out.maxLength = c.value;
                break;
            case 'length':
                out.minLength = out.maxLength = c.value;
                break;
            case 'email':
            case 'uuid':
            case 'url':
            case 'date':
            case 'time':
            case 'duration':
            case 'ipv4':
            case 'ipv6':
                out.format = c.kind === 'url' ? 'uri' : c.kind;
                break;
            case 'datetime':
                out.format = 'date-time';
                break;
            case 'regex':
                out.pattern = c.regex.source;
                break;
        }
    }
    return out;
}

function numberSchema(s: ZodSchemaLike, d: Def): JSONSchema {
    const out: JSONSchema = { type: 'number' };
    const bag = (s._zod as { bag?: Def } | undefined)?.bag;
    if (bag) {
        if (typeof bag.format === 'string' && /int/.test(bag.format)) out.type = 'integer';
        if (typeof bag.minimum === 'number' && Number.isFinite(bag.minimum)) out.minimum = bag.minimum;
        if (typeof bag.maximum === 'number' && Number.isFinite(bag.maximum)) out.maximum = bag.maximum;
        if (typeof bag.exclusiveMinimum === 'number') out.exclusiveMinimum = bag.exclusiveMinimum;
        if (typeof bag.exclusiveMaximum === 'number') out.exclusiveMaximum = bag.exclusiveMaximum;
        return out;
    }
    for (const c of checksOf(d)) {
        if (c.kind === 'int') out.type = 'integer';
        else if (c.kind === 'min') out[c.inclusive === false ? 'exclusiveMinimum' : 'minimum'] = c.value;
        else if (c.kind === 'max') out[c.inclusive === false ? 'exclusiveMaximum' : 'maximum'] = c.value;
        else if (c.kind === 'multipleOf') out.multipleOf = c.value;
    }
    return out;
}

function literal(values: unknown[]): JSONSchema {
    const types = [...new Set(values.map((v) => (v === null ? 'null' : typeof v)))].filter((t) => ['string', 'number', 'boolean', 'null'].includes(t));
    const out: JSONSchema = values.length === 1 ? { const: values[0] } : { enum: values };
    if (types.length === 1) out.type = types[0];
    return out;
}

/** zodToJSONSchema converts schema; io 'input' describes what parsing accepts, 'output' what it returns. */
export function zodToJSONSchema(schema: ZodSchemaLike, io: IO = 'output'): JSONSchema {
    const active = new Set<unknown>();

    const convert = (s: ZodSchemaLike): JSONSchema => {
        if (active.has(s)) return {}; // a recursive (lazy) schema: stop here
        active.add(s);
        try {
            const out = convertKind(s);
            const description = (s as { description?: unknown }).description;
            if (typeof description === 'string' && out.description === undefined) out.description = description;
            return out;
        } finally {
            active.delete(s);
        }
    };

    const convertKind = (s: ZodSchemaLike): JSONSchema => {
        const d = defOf(s);
        switch (zodKind(s)) {
            case 'string':
                return stringSchema(s, d);
            case 'number':
                return numberSchema(s, d);
            case 'bigint':
                return { type: 'integer', format: 'int64' };
            case 'boolean':
                return { type: 'boolean' };
            case 'date':
                return { type: 'string', format: 'date-time' };
            case 'null':
                return { type: 'null' };
            case 'never':
                return { not: {} };
            case 'literal':
                return literal(Array.isArray(d.values) ? d.values : [d.value]);
            case 'enum':
                return { type: 'string', enum: Array.isArray(d.values) ? d.values : Object.values(d.entries ?? {}) };
            case 'nativeenum': {
                const obj = d.values as Record<string, string | number>;
                const values = Object.keys(obj).filter((k) => typeof obj[obj[k]] !== 'number').map((k) => obj[k]);
                return literal(values);
            }
            case 'array': {
                const out: JSONSchema = { type: 'array', items: convert(d.element ?? d.type) };
                const bag = (s._zod as { bag?: Def } | undefined)?.bag;
                if (typeof bag?.minimum === 'number') out.minItems = bag.minimum;
                if (typeof bag?.maximum === 'number') out.maxItems = bag.maximum;
                if (d.minLength?.value !== undefined) out.minItems = d.minLength.value;
                if (d.maxLength?.value !== undefined) out.maxItems = d.maxLength.value;
                if (d.exactLength?.value !== undefined) out.minItems = out.maxItems = d.exactLength.value;
                return out;
            }
            case 'object': {
                const shape = (typeof d.shape === 'function' ? d.shape() : d.shape) as Record<string, ZodSchemaLike>;
                const properties: Record<string, JSONSchema> = {};
                const required: string[] = [];
                for (const [key, child] of Object.entries(shape)) {
                    properties[key] = convert(child);
                    if (!isOptional(child, io)) required.push(key);
                }
                const out: JSONSchema = { type: 'object', properties };
                if (required.length) out.required = required;
                // zod 4: strict is a never catchall, passthrough an unknown one; zod 3 says unknownKeys.
                const catchall = d.catchall as ZodSchemaLike | undefined;
                const catchKind = catchall ? zodKind(catchall) : 'never';
                const strict = d.unknownKeys === undefined ? catchall !== undefined && catchKind === 'never' : d.unknownKeys === 'strict';
                if (catchall && catchKind !== 'never') out.additionalProperties = convert(catchall);
                else if (d.unknownKeys === 'passthrough') out.additionalProperties = {};
                else if (strict || io === 'output') out.additionalProperties = false;
                return out;
            }
            case 'optional':
            case 'branded':
            case 'catch':
            case 'readonly':
            case 'nonoptional':
            case 'promise':
                return convert(d.innerType ?? d.type);
            case 'nullable':
                return { anyOf: [convert(d.innerType), { type: 'null' }] };
            case 'default':
            case 'prefault': {
                const value = typeof d.defaultValue === 'function' ? d.defaultValue() : d.defaultValue;
                return { ...convert(d.innerType), default: JSON.parse(JSON.stringify(value ?? null)) };
            }
            case 'union':
            case 'discriminatedunion':
                return { anyOf: (Array.isArray(d.options) ? d.options : [...(d.options?.values?.() ?? [])]).map(convert) };
            case 'intersection':
                return { allOf: [convert(d.left), convert(d.right)] };
            case 'tuple': {
                const out: JSONSchema = { type: 'array', prefixItems: (d.items ?? []).map(convert) };
                if (d.rest) out.items = convert(d.rest);
                return out;
            }
            case 'record':
                return { type: 'object', propertyNames: convert(d.keyType), additionalProperties: convert(d.valueType) };
            case 'effects': // zod 3 refine/transform/preprocess: a transform's output is unknown
                return io === 'output' && d.effect?.type === 'transform' ? {} : convert(d.schema);
            case 'pipeline':
            case 'pipe':
                return convert(io === 'input' ? d.in : d.out);
            case 'lazy':
                return convert(d.getter());
            default: // any, unknown, void, undefined, map, set, transform…
                return {};
        }
    };

    return { $schema: DRAFT, ...convert(schema) };
}
