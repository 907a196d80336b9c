import { createSync } from 'nango';
import type { ProxyConfiguration } from 'nango';
import { createHash } from 'crypto';
import { z } from 'zod';

// https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/guide

const HubspotContact = z.object({
    id: z.string(),
    email: z.string().nullable(),
    // SHA-256 of the trimmed, lower-cased email: lets ad platforms and the
    // warehouse match people without handling the address itself.
    emailHash: z.string().nullable(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    phone: z.string().nullable(),
    jobTitle: z.string().nullable(),
    company: z.string().nullable(),
    lifecycleStage: z.string().nullable(),
    ownerId: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string()
});

type HubspotContact = z.infer<typeof HubspotContact>;

interface HubspotContactResponse {
    id: string;
    properties: Record<string, string | null>;
    createdAt: string;
    updatedAt: string;
    archived: boolean;
}

const PROPERTIES = ['email', 'firstname', 'lastname', 'phone', 'jobtitle', 'company', 'lifecyclestage', 'hubspot_owner_id', 'lastmodifieddate'];

export default createSync({
    description: 'Fetches HubSpot contacts, only those modified since the last run after the first one',
    version: '1.0.0',
    frequency: 'every hour',
    autoStart: true,
    syncType: 'incremental',
    endpoints: [{ method: 'GET', path: '/contacts', group: 'Contacts' }],
    scopes: ['crm.objects.contacts.read'],
    models: { HubspotContact },
    checkpoint: z.object({ lastModifiedDate: z.string() }),

    exec: async (nango) => {
        const checkpoint = await nango.getCheckpoint();
        const since = checkpoint?.lastModifiedDate;

        // The list endpoint cannot filter by date: incremental runs search
        // instead, oldest change first. Both page with HubSpot's `after`
        // cursor, which the provider's pagination defaults already know.
        // (A search stops at 10,000 results; an hourly run stays far below.)
        const config: ProxyConfiguration = since
            ? {
                  endpoint: '/crm/v3/objects/contacts/search',
                  method: 'POST',
                  data: {
                      filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GT', value: since }] }],
                      sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
                      properties: PROPERTIES
                  },
                  paginate: { limit: 100 },
                  retries: 3
              }
            : {
                  endpoint: '/crm/v3/objects/contacts',
                  params: { properties: PROPERTIES.join(',') },
                  paginate: { limit: 100 },
                  retries: 3
              };

        let newest = since ?? '';
        let saved = 0;
        for await (const page of nango.paginate<HubspotContactResponse>(config)) {
            const contacts = page.map(toContact);
            await nango.batchSave(contacts, 'HubspotContact');
            saved += contacts.length;
            for (const c of contacts) {
                if (c.updatedAt > newest) newest = c.updatedAt;
            }
        }

        await nango.log(since ? `${saved} contacts changed since ${since}` : `${saved} contacts on the first run`);
        if (newest) {
            await nango.saveCheckpoint({ lastModifiedDate: newest });
        }
    }
});

function toContact(c: HubspotContactResponse): HubspotContact {
    const p = c.properties;
    const email = p['email'] ?? null;
    return {
        id: c.id,
        email,
        emailHash: email ? createHash('sha256').update(email.trim().toLowerCase()).digest('hex') : null,
        firstName: p['firstname'] ?? null,
        lastName: p['lastname'] ?? null,
        phone: p['phone'] ?? null,
        jobTitle: p['jobtitle'] ?? null,
        company: p['company'] ?? null,
        lifecycleStage: p['lifecyclestage'] ?? null,
        ownerId: p['hubspot_owner_id'] ?? null,
        createdAt: c.createdAt,
        updatedAt: p['lastmodifieddate'] ?? c.updatedAt
    };
}
