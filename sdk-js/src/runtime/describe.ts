/**
 * describe: a definition as the manifest fields of docs/JS.md, every zod
 * schema turned into JSON Schema — with zod 4's toJSONSchema when the zod
 * namespace has it, else with jsonschema.ts.
 */

import { checkDefinition, endpointsOf } from './definition';
import { type IO, type JSONSchema, zodToJSONSchema } from './jsonschema';
import { type ZodSchemaLike, isZodVoid, zodKind } from './zod';

/** ZodNamespace is the part of `import * as zod from 'zod'` describe uses. */
export interface ZodNamespace {
    toJSONSchema?: (schema: unknown, options?: Record<string, unknown>) => JSONSchema;
}

function toJSONSchema(zod: ZodNamespace, schema: ZodSchemaLike, io: IO, field: string): JSONSchema {
    if (typeof zod.toJSONSchema === 'function' && schema._zod) {
        try {
            return zod.toJSONSchema(schema, {
                io,
                unrepresentable: 'any',
                // Dates travel as ISO strings.
                override: (ctx: { zodSchema: ZodSchemaLike; jsonSchema: JSONSchema }) => {
                    if (zodKind(ctx.zodSchema) === 'date') {
                        ctx.jsonSchema.type = 'string';
                        ctx.jsonSchema.format = 'date-time';
                    }
                },
            });
        } catch (err) {
            throw new Error(`${field}: cannot turn the zod schema into JSON Schema: ${(err as Error).message}`);
        }
    }
    return zodToJSONSchema(schema, io);
}

/** describe returns the manifest fields of def as JSON text; it throws on an invalid definition. */
export function describe(def: unknown, zod: ZodNamespace | undefined): string {
    if (!zod) throw new Error('describe is only available in the compile-time build (register(def, zod))');
    const d = checkDefinition(def);
    const m: Record<string, unknown> = { type: d.type === 'onEvent' ? 'on-event' : d.type, description: d.description };
    if (d.version !== undefined) m.version = d.version;
    const schema = (field: string, v: unknown, io: IO) => {
        if (v !== undefined && !isZodVoid(v)) m[field] = toJSONSchema(zod, v as ZodSchemaLike, io, field);
    };
    if (d.type === 'sync') {
        m.frequency = d.frequency ?? d.runs;
        for (const k of ['autoStart', 'syncType', 'trackDeletes', 'webhookSubscriptions'] as const) if (d[k] !== undefined) m[k] = d[k];
        const models: Record<string, JSONSchema> = {};
        for (const [name, s] of Object.entries(d.models as Record<string, ZodSchemaLike>)) models[name] = toJSONSchema(zod, s, 'output', `model ${name}`);
        m.models = models;
    } else if (d.type === 'action') {
        schema('input', d.input, 'input');
        schema('output', d.output, 'output');
    } else {
        m.event = d.event;
    }
    if (d.scopes !== undefined) m.scopes = d.scopes;
    const endpoints = endpointsOf(d);
    if (endpoints !== undefined) m.endpoints = endpoints;
    schema('metadata', d.metadata, 'output');
    schema('checkpoint', d.checkpoint, 'output');
    return JSON.stringify(m);
}
