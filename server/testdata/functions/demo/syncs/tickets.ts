import { createSync } from 'nango';
import * as z from 'zod';

// tickets copies every ticket of a paginated API (its URL is in the
// connection's metadata), one page at a time with a checkpoint after each,
// as a full sync: tickets the API no longer lists become DELETED.
export default createSync({
    description: 'Copies the tickets of a paginated API',
    version: '1.0.0',
    frequency: 'every hour',
    syncType: 'full',
    trackDeletes: true,
    metadata: z.object({ base_url: z.string() }),
    checkpoint: z.object({ page: z.number() }),
    models: { Ticket: z.object({ id: z.string(), title: z.string() }) },
    exec: async (nango) => {
        const { base_url } = await nango.getMetadata<{ base_url: string }>();
        const checkpoint = await nango.getCheckpoint();
        let page = Number(checkpoint?.page ?? 1);
        for (;;) {
            const res = await nango.get<{ tickets: { id: string; title: string }[]; next: number | null }>({
                endpoint: '/tickets',
                baseUrlOverride: base_url,
                params: { page: String(page) }
            });
            await nango.log(`page ${page}: ${res.data.tickets.length} tickets`);
            if (res.data.tickets.length > 0) {
                await nango.batchSave(res.data.tickets, 'Ticket');
            }
            if (!res.data.next) {
                break;
            }
            page = res.data.next;
            await nango.saveCheckpoint({ page });
        }
        await nango.clearCheckpoint();
    }
});
