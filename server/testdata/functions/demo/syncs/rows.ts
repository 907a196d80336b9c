import { createSync } from 'nango';
import * as z from 'zod';

// rows pages through a cursor-paginated API and saves every row, mapped:
// the shape of a typical sync, used by the throughput benchmark.
export default createSync({
    description: 'Maps and saves every row of a paginated API',
    version: '1.0.0',
    frequency: 'every day',
    autoStart: false,
    metadata: z.object({ base_url: z.string() }),
    models: { Row: z.object({ id: z.string(), name: z.string(), body: z.string(), n: z.number() }) },
    exec: async (nango) => {
        const { base_url } = await nango.getMetadata<{ base_url: string }>();
        const pages = nango.paginate<{ id: number; name: string; body: string; n: number }>({
            endpoint: '/rows',
            baseUrlOverride: base_url,
            paginate: {
                type: 'cursor',
                cursor_path_in_response: 'next',
                cursor_name_in_request: 'cursor',
                response_path: 'rows',
                limit_name_in_request: 'limit',
                limit: 1000
            }
        });
        for await (const page of pages) {
            const rows = page.map((r) => ({ id: String(r.id), name: r.name.toUpperCase(), body: r.body, n: r.n * 2 }));
            await nango.batchSave(rows, 'Row');
        }
    }
});
