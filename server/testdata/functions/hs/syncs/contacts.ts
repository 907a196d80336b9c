import { createSync } from 'nango';
import * as z from 'zod';

// contacts keeps the contacts HubSpot's webhooks announce. HubSpot posts
// an array of events; like Nango, ferry hands the handler one event at a
// time, so an array here is an error.
export default createSync({
    description: 'Keeps contacts from HubSpot webhooks',
    version: '1.0.0',
    frequency: 'every day',
    autoStart: false,
    webhookSubscriptions: ['contact.creation'],
    models: { Contact: z.object({ id: z.string(), portal: z.string(), type: z.string() }) },
    exec: async () => {},
    onWebhook: async (nango, payload) => {
        if (Array.isArray(payload)) {
            throw new Error('handed the whole batch, not one event');
        }
        const event = payload as { objectId: number; portalId: number; subscriptionType: string };
        await nango.batchSave([{ id: String(event.objectId), portal: String(event.portalId), type: event.subscriptionType }], 'Contact');
    }
});
