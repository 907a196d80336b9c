import { createAction } from 'nango';

export default createAction({ description: 'a typo on line 3', exec: async () => ({ ok: true }) };
