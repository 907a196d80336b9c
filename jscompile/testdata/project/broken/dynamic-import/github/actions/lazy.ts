import { createAction } from 'nango';

export default createAction({
    description: 'imports a helper lazily',
    exec: async () => {
        const { greet } = await import('./helpers/greet.js');
        return { greeting: greet('ferry') };
    },
});
