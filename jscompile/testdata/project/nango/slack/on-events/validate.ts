import { createOnEvent } from 'nango';

export default createOnEvent({
    description: 'Checks the token works',
    event: 'validate-connection',
    exec: async (nango: any) => {
        await nango.get({ endpoint: '/auth.test' });
    },
});
