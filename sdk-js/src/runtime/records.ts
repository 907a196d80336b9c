/**
 * The records half of the nango object of syncs: batchSave, batchUpdate,
 * batchDelete, getRecordsByIds, listRecords, trackDeletesStart/End, over
 * the capabilities of docs/ABI.md and docs/JS.md.
 */

import { hostCall, hostCallOr, isMissingCapability } from '../shared/host';

function checkBatch(what: string, records: unknown, model: unknown): asserts records is unknown[] {
    if (!Array.isArray(records)) throw new TypeError(`nango.${what}: records must be an array, not ${records === null ? 'null' : typeof records}`);
    if (typeof model !== 'string' || model === '') throw new TypeError(`nango.${what}: the model name is required`);
}

function hasNangoMetadata(r: unknown): boolean {
    return typeof r === 'object' && r !== null && '_nango_metadata' in r;
}

/**
 * withoutNangoMetadata drops the `_nango_metadata` field records read back
 * carry. Batches rarely have any: those are sent as they are, not copied
 * (a batch is typically a thousand records, every page of a sync).
 */
function withoutNangoMetadata(records: unknown[]): unknown[] {
    if (!records.some(hasNangoMetadata)) return records;
    return records.map((r) => {
        if (!hasNangoMetadata(r)) return r;
        const { _nango_metadata: _, ...rest } = r as Record<string, unknown>;
        return rest;
    });
}

/** batch sends one batch to the batch_save/batch_update/batch_delete capability. */
export function batch(what: string, capability: string, records: unknown, model: unknown): boolean {
    checkBatch(what, records, model);
    if (records.length === 0) return true;
    hostCall(capability, { model, records: withoutNangoMetadata(records) });
    return true;
}

const IDS_PER_CALL = 1000;

/** getRecordsByIds returns the stored records with those ids, keyed by the ids as given. */
export function getRecordsByIds<K, T>(ids: K[], model: string): Map<K, T> {
    if (!Array.isArray(ids)) throw new TypeError('nango.getRecordsByIds: ids must be an array');
    if (typeof model !== 'string' || model === '') throw new TypeError('nango.getRecordsByIds: the model name is required');
    const out = new Map<K, T>();
    for (let i = 0; i < ids.length; i += IDS_PER_CALL) {
        const chunk = ids.slice(i, i + IDS_PER_CALL);
        const { records } = hostCall<{ records: Record<string, T> }>('get_records_by_ids', { model, ids: chunk.map((id) => String(id)) });
        for (const id of chunk) {
            const rec = records?.[String(id)];
            if (rec !== undefined && rec !== null) out.set(id, rec);
        }
    }
    return out;
}

/** listRecords reads one page of stored records (capability `list_records`). */
export function listRecords(model: string, options: { cursor?: string | null; limit?: number } = {}): { records: unknown[]; next_cursor: string | null } {
    try {
        const res = hostCall<{ records?: unknown[]; next_cursor?: string | null; nextCursor?: string | null }>('list_records', {
            model,
            cursor: options.cursor ?? null,
            ...(options.limit !== undefined ? { limit: options.limit } : {}),
        });
        return { records: res.records ?? [], next_cursor: res.next_cursor ?? res.nextCursor ?? null };
    } catch (err) {
        if (isMissingCapability(err)) throw new Error('nango.listRecords is not supported yet in this ferry version');
        throw err;
    }
}

/** trackDeletesStart marks the start of a full pass over model's records. */
export function trackDeletesStart(model: string): void {
    hostCallOr('nango.trackDeletesStart', 'track_deletes_start', { model });
}

/** trackDeletesEnd soft-deletes the records of model not seen since trackDeletesStart. */
export function trackDeletesEnd(model: string): { deletedKeys: string[] } {
    const res = hostCallOr<{ deletedKeys?: string[] }>('nango.trackDeletesEnd', 'track_deletes_end', { model });
    return { deletedKeys: res.deletedKeys ?? [] };
}
