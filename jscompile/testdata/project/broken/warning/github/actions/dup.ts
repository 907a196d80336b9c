import { createAction } from 'nango';

export default createAction({
    description: 'compiles, with a warning',
    exec: async () => ({ a: 1, a: 2 }),
});
