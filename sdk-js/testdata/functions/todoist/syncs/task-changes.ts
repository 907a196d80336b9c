import { createSync } from 'nango';
import * as z from 'zod';

const Task = z.object({
    id: z.union([z.string(), z.number()]),
    content: z.string(),
    done: z.boolean(),
    labels: z.array(z.string())
});

interface SyncResponse {
    items: { id: number; content: string; checked: boolean; labels: string[] }[];
    completed: { id: number }[];
    deleted: number[];
}

export default createSync({
    description: 'Applies the changes of the Todoist sync API to the tasks',
    version: '1.0.0',
    frequency: 'every 5 minutes',
    autoStart: true,
    syncType: 'incremental',
    endpoints: [{ method: 'GET', path: '/task-changes', group: 'Tasks' }],
    models: { Task },

    exec: async (nango) => {
        const { data } = await nango.get<SyncResponse>({ endpoint: '/sync/v9/sync', params: { resource_types: '["items"]' } });

        if (data.items.length > 0) {
            await nango.batchSave(
                data.items.map((item) => ({ id: item.id, content: item.content, done: item.checked, labels: item.labels })),
                'Task'
            );
        }

        if (data.completed.length > 0) {
            const ids = data.completed.map((c) => c.id);
            const known = await nango.getRecordsByIds(ids, 'Task');
            await nango.log('Completed tasks we know', {
                isMap: known instanceof Map,
                size: known.size,
                keys: [...known.keys()],
                keyTypes: [...known.keys()].map((key) => typeof key),
                contents: [...known.values()].map((task) => task.content),
                lookupByNumber: known.get(ids[0])?.content ?? null
            });
            await nango.batchUpdate(
                ids.filter((id) => known.has(id)).map((id) => ({ id, done: true })),
                'Task'
            );
        }

        if (data.deleted.length > 0) {
            await nango.batchDelete(data.deleted.map((id) => ({ id })), 'Task');
        }

        const seen: string[] = [];
        let pages = 0;
        let cursor: string | null = null;
        do {
            const page = await nango.listRecords('Task', { cursor, limit: 2 });
            pages++;
            for (const record of page.records) {
                seen.push(`${record.id}:${record._nango_metadata.last_action}:${record.done}`);
            }
            cursor = page.next_cursor;
        } while (cursor);
        await nango.log('Stored tasks', { pages, seen });
    }
});
