import { createAction } from 'nango';
import type { NangoResponse } from 'nango';
import * as z from 'zod';

const TicketOperationInput = z.object({
    operation: z.enum(['get', 'create', 'replace', 'update', 'delete', 'proxy', 'search', 'search-query-string', 'export']),
    ticketId: z.number().optional(),
    subject: z.string().optional(),
    query: z.string().optional()
});

const TicketOperationOutput = z.object({
    status: z.number(),
    statusText: z.string(),
    headers: z.record(z.string(), z.string()),
    data: z.unknown()
});

export default createAction({
    description: 'Runs one operation on Zendesk tickets and returns the API response',
    version: '1.0.0',
    endpoint: { method: 'POST', path: '/tickets/operation', group: 'Tickets' },
    input: TicketOperationInput,
    output: TicketOperationOutput,

    exec: async (nango, input) => {
        let response: NangoResponse;
        switch (input.operation) {
            case 'get':
                response = await nango.get({
                    endpoint: `/api/v2/tickets/${input.ticketId}`,
                    headers: { 'X-Zendesk-Locale': 'fr', Accept: 'application/json' }
                });
                break;
            case 'create':
                response = await nango.post({
                    endpoint: '/api/v2/tickets',
                    data: { ticket: { subject: input.subject, priority: 'high', tags: ['ferry'] } }
                });
                break;
            case 'replace':
                response = await nango.put({
                    endpoint: `/api/v2/tickets/${input.ticketId}`,
                    data: { ticket: { subject: input.subject } }
                });
                break;
            case 'update':
                response = await nango.patch({
                    endpoint: `/api/v2/tickets/${input.ticketId}`,
                    data: { ticket: { status: 'solved' } }
                });
                break;
            case 'delete':
                response = await nango.delete({ endpoint: `/api/v2/tickets/${input.ticketId}` });
                break;
            case 'proxy':
                response = await nango.proxy({
                    endpoint: '/api/v2/tickets/count',
                    params: { status: 'open' }
                });
                break;
            case 'search':
                response = await nango.get({
                    endpoint: '/api/v2/search',
                    params: { query: input.query!, per_page: 2, include: ['users', 'groups'] }
                });
                break;
            case 'search-query-string':
                response = await nango.get({
                    endpoint: '/api/v2/search',
                    params: `query=${encodeURIComponent(input.query!)}&per_page=2`
                });
                break;
            case 'export':
                response = await nango.get({ endpoint: '/api/v2/exports/tickets.csv', retries: 3 });
                break;
        }
        return { status: response.status, statusText: response.statusText, headers: response.headers, data: response.data };
    }
});
