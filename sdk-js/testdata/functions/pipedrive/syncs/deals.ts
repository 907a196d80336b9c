import { createSync } from 'nango';
import type { ProxyConfiguration } from 'nango';
import * as z from 'zod';

const Deal = z.object({
    id: z.string(),
    title: z.string(),
    value: z.number(),
    currency: z.string(),
    status: z.string()
});

interface PipedriveDeal {
    id: number;
    title: string;
    value: number;
    currency: string;
    status: string;
}

export default createSync({
    description: 'Fetches every Pipedrive deal',
    version: '1.0.0',
    frequency: 'every 2 hours',
    autoStart: true,
    syncType: 'full',
    endpoints: [{ method: 'GET', path: '/deals', group: 'Deals' }],
    models: { Deal },

    exec: async (nango) => {
        const config: ProxyConfiguration = {
            endpoint: '/v1/deals',
            params: { status: 'all_not_deleted' },
            paginate: {
                type: 'offset',
                offset_name_in_request: 'start',
                limit_name_in_request: 'limit',
                limit: '2',
                response_path: 'data',
                on_page: async ({ nextPageParam, response }) => {
                    await nango.log('Fetched a page of deals', {
                        nextPageParam,
                        status: response.status,
                        moreItems: response.data.additional_data.pagination.more_items_in_collection,
                        start: response.data.additional_data.pagination.start,
                        rateLimitRemaining: response.headers['x-ratelimit-remaining']
                    });
                }
            }
        };
        for await (const deals of nango.paginate<PipedriveDeal>(config)) {
            await nango.batchSave(
                deals.map((deal) => ({ id: String(deal.id), title: deal.title, value: deal.value, currency: deal.currency, status: deal.status })),
                'Deal'
            );
        }
    }
});
