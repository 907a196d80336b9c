/**
 * FerrySync is the nango object of syncs (and their onWebhook handlers):
 * FerryAction plus records, deletion tracking and the merging strategy.
 */

import { FerryAction } from './action';
import { batch, getRecordsByIds, listRecords, trackDeletesEnd, trackDeletesStart } from './records';

/** FerrySync implements NangoSync (types.ts). */
export class FerrySync extends FerryAction {
    /** variant is always 'base': ferry has no sync variants. */
    readonly variant = 'base';
    /** lastSyncDate is not tracked: use checkpoints. */
    readonly lastSyncDate: Date | undefined = undefined;
    readonly track_deletes: boolean;
    #merging = new Map<string, string>();

    constructor(scriptType: 'sync' | 'webhook', trackDeletes: boolean) {
        super(scriptType);
        this.track_deletes = trackDeletes;
    }

    /** batchSave upserts records of model by id; it returns true like Nango. */
    async batchSave(records: unknown[], model: string): Promise<boolean> {
        return batch('batchSave', 'batch_save', records, model);
    }

    /** @deprecated batchSend is batchSave. */
    async batchSend(records: unknown[], model: string): Promise<boolean> {
        return batch('batchSend', 'batch_save', records, model);
    }

    /** batchUpdate deep-merges partial records into the stored ones. */
    async batchUpdate(records: unknown[], model: string): Promise<boolean> {
        return batch('batchUpdate', 'batch_update', records, model);
    }

    /** batchDelete soft-deletes records by id. */
    async batchDelete(records: unknown[], model: string): Promise<boolean> {
        return batch('batchDelete', 'batch_delete', records, model);
    }

    async getRecordsByIds<K = string | number, T = any>(ids: K[], model: string): Promise<Map<K, T>> {
        return getRecordsByIds<K, T>(ids, model);
    }

    async listRecords(model: string, options?: { cursor?: string | null; limit?: number }) {
        return listRecords(model, options);
    }

    async trackDeletesStart(model: string): Promise<void> {
        trackDeletesStart(model);
    }

    async trackDeletesEnd(model: string): Promise<{ deletedKeys: string[] }> {
        return trackDeletesEnd(model);
    }

    /**
     * setMergingStrategy is accepted and remembered for the execution; the
     * store applies its own merge rules (docs/COMPATIBILITY.md).
     */
    async setMergingStrategy(merging: { strategy: 'ignore_if_modified_after' | 'override' }, model: string): Promise<void> {
        const strategy = merging?.strategy ?? 'override';
        this.#merging.set(model, strategy);
        await this.log(`setMergingStrategy: ${model} → ${strategy}`, { level: 'debug' });
    }
}
