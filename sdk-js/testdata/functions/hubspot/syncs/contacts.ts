import { createSync } from 'nango';
import type { ProxyConfiguration } from 'nango';
import * as z from 'zod';

const Contact = z.object({
    id: z.string(),
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    createdAt: z.string()
});

interface HubspotContact {
    id: string;
    properties: { email: string; firstname?: string | null; lastname?: string | null; createdate: string };
    createdAt: string;
    archived: boolean;
}

export default createSync({
    description: 'Fetches every HubSpot contact',
    version: '1.0.0',
    frequency: 'every hour',
    autoStart: true,
    syncType: 'full',
    endpoints: [{ method: 'GET', path: '/contacts', group: 'Contacts' }],
    scopes: ['crm.objects.contacts.read'],
    models: { Contact },

    exec: async (nango) => {
        // Pagination comes from the provider's defaults (cursor on paging.next.after).
        const config: ProxyConfiguration = {
            endpoint: '/crm/v3/objects/contacts',
            params: { properties: 'email,firstname,lastname' },
            retries: 10
        };
        for await (const contacts of nango.paginate<HubspotContact>(config)) {
            const mapped = contacts.map((contact) => ({
                id: contact.id,
                email: contact.properties.email,
                firstName: contact.properties.firstname ?? null,
                lastName: contact.properties.lastname ?? null,
                createdAt: contact.createdAt
            }));
            await nango.batchSave(mapped, 'Contact');
        }
    }
});
