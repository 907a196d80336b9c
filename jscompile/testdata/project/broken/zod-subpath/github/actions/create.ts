import { createAction } from 'nango';
import { z } from 'zod/nope';

export default createAction({ description: 'imports a zod subpath that does not exist', exec: async () => z });
