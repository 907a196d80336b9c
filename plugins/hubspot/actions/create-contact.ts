import { createAction } from 'nango';
import { z } from 'zod';

// https://developers.hubspot.com/docs/api-reference/crm-contacts-v3/basic/post-crm-v3-objects-contacts

const CreateContactInput = z.object({
    email: z.string().email(),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    phone: z.string().optional(),
    company: z.string().optional(),
    jobTitle: z.string().optional(),
    lifecycleStage: z.enum(['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer']).optional()
});

const CreateContactOutput = z.object({
    id: z.string(),
    email: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    createdAt: z.string(),
    url: z.string().nullable()
});

export default createAction({
    description: 'Creates a HubSpot contact; fails with code "contact_exists" when the email is taken',
    version: '1.0.0',
    endpoint: { method: 'POST', path: '/contacts', group: 'Contacts' },
    input: CreateContactInput,
    output: CreateContactOutput,
    scopes: ['crm.objects.contacts.write'],

    exec: async (nango, input) => {
        const properties: Record<string, string> = { email: input.email };
        if (input.firstName) properties['firstname'] = input.firstName;
        if (input.lastName) properties['lastname'] = input.lastName;
        if (input.phone) properties['phone'] = input.phone;
        if (input.company) properties['company'] = input.company;
        if (input.jobTitle) properties['jobtitle'] = input.jobTitle;
        if (input.lifecycleStage) properties['lifecyclestage'] = input.lifecycleStage;

        let response;
        try {
            response = await nango.post({
                endpoint: '/crm/v3/objects/contacts',
                data: { properties },
                retries: 3
            });
        } catch (err: any) {
            if (err.response?.status === 409) {
                // {"status":"error","message":"Contact already exists. Existing ID: 151","category":"CONFLICT",...}
                const message: string = err.response.data?.message ?? '';
                const existingId = /Existing ID: (\d+)/.exec(message)?.[1] ?? null;
                throw new nango.ActionError({
                    code: 'contact_exists',
                    message: `A HubSpot contact with email ${input.email} already exists`,
                    existingId
                });
            }
            throw err;
        }

        const contact = response.data;
        await nango.log(`created contact ${contact.id}`);
        return {
            id: contact.id,
            email: contact.properties.email,
            firstName: contact.properties.firstname ?? null,
            lastName: contact.properties.lastname ?? null,
            createdAt: contact.createdAt,
            url: contact.url ?? null
        };
    }
});
