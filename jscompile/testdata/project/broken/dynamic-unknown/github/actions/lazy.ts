import { createAction } from 'nango';

export default createAction({
    description: 'imports the engine lazily',
    exec: async () => (await import('qjs:std')).getenv('HOME'),
});
