import { createAction } from 'nango';

export default createAction({ description: 'compiles beside broken functions', exec: async () => ({}) });
