/**
 * What the runtime needs to know about zod schemas, for zod 3 and zod 4
 * alike, without importing zod: recognising a schema and its kind, and
 * validating a value with it.
 */

/** ZodSchemaLike is the part of a zod schema the runtime uses. */
export interface ZodSchemaLike {
    safeParse(value: unknown): SafeParseResult;
    safeParseAsync?(value: unknown): Promise<SafeParseResult>;
    _def?: Record<string, unknown>;
    _zod?: { def: Record<string, unknown> };
}

interface SafeParseResult {
    success: boolean;
    data?: unknown;
    error?: { issues?: Array<{ path?: Array<string | number | symbol>; message?: string }>; message?: string };
}

/** isZodSchema reports a zod 3 or zod 4 schema. */
export function isZodSchema(v: unknown): v is ZodSchemaLike {
    return typeof v === 'object' && v !== null && typeof (v as ZodSchemaLike).safeParse === 'function' && ('_def' in v || '_zod' in v);
}

/**
 * zodKind is a schema's kind in zod 4's lower-case names ("object",
 * "string", "void"…); zod 3's typeName "ZodObject" maps to "object".
 */
export function zodKind(s: ZodSchemaLike): string {
    const v4 = s._zod?.def?.type;
    if (typeof v4 === 'string') return v4;
    const v3 = s._def?.typeName;
    if (typeof v3 === 'string') return v3.replace(/^Zod/, '').toLowerCase();
    return 'unknown';
}

/** isZodObject reports a z.object schema. */
export function isZodObject(v: unknown): boolean {
    return isZodSchema(v) && zodKind(v) === 'object';
}

/** isZodVoid reports z.void() or z.undefined(): "no value". */
export function isZodVoid(v: unknown): boolean {
    return isZodSchema(v) && (zodKind(v) === 'void' || zodKind(v) === 'undefined');
}

/** ZodCheck is the outcome of validating a value. */
export type ZodCheck = { ok: true; data: unknown } | { ok: false; message: string; issues: Array<{ path: string; message: string }> };

/** zodValidate validates value with schema (async refinements included). */
export async function zodValidate(schema: ZodSchemaLike, value: unknown): Promise<ZodCheck> {
    const res = await parse(schema, value);
    if (res.success) return { ok: true, data: res.data };
    const issues = (res.error?.issues ?? []).map((i) => ({
        path: (i.path ?? []).map((p) => String(p)).join('.'),
        message: i.message ?? 'invalid',
    }));
    const message = issues.length ? issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ') : (res.error?.message ?? 'invalid value');
    return { ok: false, message, issues };
}

/**
 * parse validates synchronously, which is several times cheaper in zod
 * than its async path; a schema with async refinements makes the sync
 * parse throw, and is then parsed async.
 */
async function parse(schema: ZodSchemaLike, value: unknown): Promise<SafeParseResult> {
    if (typeof schema.safeParseAsync !== 'function') return schema.safeParse(value);
    try {
        return schema.safeParse(value);
    } catch {
        return schema.safeParseAsync(value);
    }
}

/**
 * warmSchemas parses a throwaway value with each schema, so that zod's
 * lazily built state (object shapes, its eval check, error messages) is
 * built when the bundle is evaluated: the host snapshots the instance
 * then, and every execution starts from it with that work done.
 */
export function warmSchemas(schemas: unknown[]): void {
    for (const s of schemas) {
        if (!isZodSchema(s)) continue;
        try {
            s.safeParse({});
        } catch {
            // An async refinement: nothing to warm synchronously.
        }
    }
}
