import { createAction } from 'nango';
import * as z from 'zod';

const FindUserInput = z.object({
    userId: z.string()
});

const FindUserOutput = z.object({
    found: z.boolean(),
    name: z.string().optional(),
    status: z.number().optional(),
    error: z.string().optional(),
    isAxiosError: z.boolean().optional(),
    message: z.string().optional(),
    code: z.string().optional(),
    requestId: z.string().optional()
});

export default createAction({
    description: 'Looks up a Zendesk user; a user that does not exist is not an error',
    version: '1.0.0',
    endpoint: { method: 'GET', path: '/users/find', group: 'Users' },
    input: FindUserInput,
    output: FindUserOutput,

    exec: async (nango, input) => {
        try {
            const response = await nango.get({ endpoint: `/api/v2/users/${input.userId}` });
            return { found: true, name: response.data.user.name, status: response.status };
        } catch (err: any) {
            if (err.response?.status === 404) {
                return {
                    found: false,
                    status: err.response.status,
                    error: err.response.data.error,
                    isAxiosError: err.isAxiosError === true,
                    message: err.message,
                    code: err.code,
                    requestId: err.response.headers['x-zendesk-request-id']
                };
            }
            throw err;
        }
    }
});
