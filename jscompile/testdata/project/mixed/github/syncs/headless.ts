import { createSync } from 'nango';

createSync({ description: 'defined but not exported', frequency: 'every hour', models: {}, exec: async () => {} });
