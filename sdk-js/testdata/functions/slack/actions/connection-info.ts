import { createAction } from 'nango';
import * as z from 'zod';

const ConnectionInfo = z.object({
    connectionId: z.string(),
    providerConfigKey: z.string(),
    teamId: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    token: z.string(),
    signingSecret: z.string().nullable(),
    contextConnectionId: z.string(),
    contextProviderConfigKey: z.string()
});

export default createAction({
    description: 'Describes the connection, for debugging',
    version: '1.0.0',
    endpoint: { method: 'GET', path: '/connection-info', group: 'Debug' },
    input: z.object({}),
    output: ConnectionInfo,

    exec: async (nango) => {
        const connection = await nango.getConnection();
        const token = await nango.getToken();
        const variables = await nango.getEnvironmentVariables();

        await nango.log('Reading the connection', { level: 'debug' });
        await nango.log(`Connection ${connection.connection_id} belongs to team ${connection.connection_config['team.id']}`);
        await nango.log('The token expires soon', { level: 'warn' });
        await nango.log('Could not read the bot scopes', { level: 'error' });
        await nango.log('Connection details', { teamName: connection.connection_config['team.name'], environment: connection.environment });
        await nango.log('Scopes granted', { scopes: ['chat:write', 'channels:history'] }, { level: 'debug' });
        console.log('console.log says', 42, { ok: true });
        console.warn('console.warn says careful');
        console.error('console.error says %s failed', 'chat.postMessage');

        const signingSecret = variables?.find((v) => v.name === 'SLACK_SIGNING_SECRET')?.value ?? null;
        return {
            connectionId: connection.connection_id,
            providerConfigKey: connection.provider_config_key,
            teamId: connection.connection_config['team.id'],
            metadata: connection.metadata,
            token: typeof token === 'string' ? token : JSON.stringify(token),
            signingSecret,
            contextConnectionId: nango.connectionId,
            contextProviderConfigKey: nango.providerConfigKey
        };
    }
});
