import { createAction } from 'nango';
import { z } from 'zod';

// https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/basic/patch-crm-v3-objects-contacts-contactId

const UpdateContactInput = z
    .object({
        // The contact to update: its HubSpot id, or else its email.
        id: z.string().optional(),
        email: z.string().email().optional(),
        firstName: z.string().optional(),
        lastName: z.string().optional(),
        phone: z.string().optional(),
        company: z.string().optional(),
        jobTitle: z.string().optional(),
        lifecycleStage: z.string().optional()
    })
    .refine((input) => input.id || input.email, { message: 'id or email is required' });

const UpdateContactOutput = z.object({
    id: z.string(),
    updatedAt: z.string(),
    properties: z.record(z.string(), z.string().nullable())
});

const FIELDS = {
    firstName: 'firstname',
    lastName: 'lastname',
    phone: 'phone',
    company: 'company',
    jobTitle: 'jobtitle',
    lifecycleStage: 'lifecyclestage'
} as const;

export default createAction({
    description: 'Updates a HubSpot contact, found by id or by email',
    version: '1.0.0',
    endpoint: { method: 'PATCH', path: '/contacts', group: 'Contacts' },
    input: UpdateContactInput,
    output: UpdateContactOutput,
    scopes: ['crm.objects.contacts.write'],

    exec: async (nango, input) => {
        const properties: Record<string, string> = {};
        for (const [field, property] of Object.entries(FIELDS)) {
            const value = input[field as keyof typeof FIELDS];
            if (value !== undefined) properties[property] = value;
        }
        if (Object.keys(properties).length === 0) {
            throw new nango.ActionError({ code: 'nothing_to_update', message: 'Give at least one field to change' });
        }

        const byEmail = !input.id;
        try {
            const response = await nango.patch({
                endpoint: `/crm/v3/objects/contacts/${encodeURIComponent(input.id ?? input.email!)}`,
                ...(byEmail && { params: { idProperty: 'email' } }),
                data: { properties },
                retries: 3
            });
            return {
                id: response.data.id,
                updatedAt: response.data.updatedAt,
                properties: response.data.properties
            };
        } catch (err: any) {
            if (err.response?.status === 404) {
                throw new nango.ActionError({
                    code: 'not_found',
                    message: `No HubSpot contact with ${byEmail ? 'email' : 'id'} ${input.id ?? input.email}`
                });
            }
            throw err;
        }
    }
});
