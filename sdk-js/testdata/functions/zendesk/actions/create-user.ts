import { createAction } from 'nango';
import * as z from 'zod';

const CreateUserInput = z.object({
    name: z.string(),
    email: z.string()
});

const ZendeskUser = z.object({
    id: z.string(),
    name: z.string(),
    email: z.string()
});

export default createAction({
    description: 'Creates a Zendesk user',
    version: '1.0.0',
    endpoint: { method: 'POST', path: '/users', group: 'Users' },
    input: CreateUserInput,
    output: ZendeskUser,

    exec: async (nango, input) => {
        const response = await nango.post({
            endpoint: '/api/v2/users',
            data: { user: { name: input.name, email: input.email, verified: true } }
        });
        const user = response.data.user;
        return { id: String(user.id), name: user.name, email: user.email };
    }
});
