import { createAction } from 'nango';

export default createAction({
    description: 'a syntax error on line 5'
    exec: async () => ({}),
});
