import { createSync } from 'nango';

export default createSync({
    description: 'a model that is not a zod schema',
    frequency: 'every hour',
    models: { Issue: { id: 'string' } },
    exec: async () => {},
});
