import { createSync } from 'nango';
import { z } from 'zod';

// https://developers.hubspot.com/docs/api-reference/crm-companies-v3/guide

const HubspotCompany = z.object({
    id: z.string(),
    name: z.string().nullable(),
    domain: z.string().nullable(),
    industry: z.string().nullable(),
    city: z.string().nullable(),
    country: z.string().nullable(),
    employeeCount: z.number().nullable(),
    annualRevenue: z.number().nullable(),
    ownerId: z.string().nullable(),
    // The extra properties the connection's metadata asks for, as HubSpot
    // returns them (text, or null when unset).
    customProperties: z.record(z.string(), z.string().nullable()),
    createdAt: z.string(),
    updatedAt: z.string()
});

type HubspotCompany = z.infer<typeof HubspotCompany>;

const Metadata = z.object({
    // Internal names of extra company properties to sync, e.g. a custom
    // "customer_tier" or HubSpot's "hs_num_open_deals".
    properties: z.array(z.string()).optional()
});

interface HubspotCompanyResponse {
    id: string;
    properties: Record<string, string | null>;
    createdAt: string;
    updatedAt: string;
    archived: boolean;
}

const DEFAULT_PROPERTIES = ['name', 'domain', 'website', 'industry', 'city', 'country', 'numberofemployees', 'annualrevenue', 'hubspot_owner_id'];

export default createSync({
    description: 'Fetches every HubSpot company, with the extra properties the connection metadata names',
    version: '1.0.0',
    frequency: 'every day',
    autoStart: true,
    syncType: 'full',
    endpoints: [{ method: 'GET', path: '/companies', group: 'Companies' }],
    scopes: ['crm.objects.companies.read'],
    models: { HubspotCompany },
    metadata: Metadata,

    exec: async (nango) => {
        const metadata = await nango.getMetadata();
        const custom = [...new Set(metadata?.properties ?? [])].filter((p) => !DEFAULT_PROPERTIES.includes(p));
        console.log(`syncing companies with ${custom.length} custom properties: ${custom.join(', ') || 'none'}`);

        await nango.trackDeletesStart('HubspotCompany');
        for await (const page of nango.paginate<HubspotCompanyResponse>({
            endpoint: '/crm/v3/objects/companies',
            params: { properties: [...DEFAULT_PROPERTIES, ...custom].join(',') },
            paginate: { limit: 100 },
            retries: 3
        })) {
            await nango.batchSave(
                page.map((c) => toCompany(c, custom)),
                'HubspotCompany'
            );
        }
        const { deletedKeys } = await nango.trackDeletesEnd('HubspotCompany');
        if (deletedKeys.length > 0) {
            await nango.log(`${deletedKeys.length} companies were deleted or merged in HubSpot`, { level: 'info' });
        }
    }
});

function toCompany(c: HubspotCompanyResponse, custom: string[]): HubspotCompany {
    const p = c.properties;
    return {
        id: c.id,
        name: p['name'] ?? null,
        domain: p['domain'] || hostnameOf(p['website']),
        industry: p['industry'] ?? null,
        city: p['city'] ?? null,
        country: p['country'] ?? null,
        employeeCount: toNumber(p['numberofemployees']),
        annualRevenue: toNumber(p['annualrevenue']),
        ownerId: p['hubspot_owner_id'] ?? null,
        customProperties: Object.fromEntries(custom.map((name) => [name, p[name] ?? null])),
        createdAt: c.createdAt,
        updatedAt: p['hs_lastmodifieddate'] ?? c.updatedAt
    };
}

// hostnameOf turns a website as people type it ("www.acme.com/about",
// "https://shop.acme.com") into a bare domain.
function hostnameOf(website: string | null | undefined): string | null {
    if (!website) return null;
    try {
        const url = new URL(/^https?:\/\//i.test(website) ? website : `https://${website}`);
        return url.hostname.replace(/^www\./, '');
    } catch {
        return null;
    }
}

function toNumber(value: string | null | undefined): number | null {
    if (value === null || value === undefined || value === '') return null;
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
}
