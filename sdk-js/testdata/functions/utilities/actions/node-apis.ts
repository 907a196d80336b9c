import { createAction } from 'nango';
import * as z from 'zod';
import crypto from 'crypto';
import { createHash, createHmac, randomUUID } from 'node:crypto';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export default createAction({
    description: 'Exercises the Node APIs functions commonly rely on',
    version: '1.0.0',
    endpoint: { method: 'POST', path: '/node-apis', group: 'Utilities' },
    input: z.object({ message: z.string(), secret: z.string() }),
    output: z.record(z.string(), z.unknown()),

    exec: async (nango, input) => {
        const url = new URL('https://api.example.com:8443/v1/items?limit=10&q=caf%C3%A9+au+lait#top');
        const resolved = new URL('../v2/search?page=2', 'https://api.example.com/v1/items/');
        const params = new URLSearchParams({ filter: 'status:open', name: 'Zoë & co' });
        params.append('tag', 'a');
        params.append('tag', 'b');

        const encoded = new TextEncoder().encode(input.message);
        const decoded = new TextDecoder().decode(encoded);

        const buffer = Buffer.from(input.message, 'utf8');
        const base64 = buffer.toString('base64');
        const hex = buffer.toString('hex');

        const basic = btoa('user:p@ss');

        const original = { when: new Date('2024-02-29T12:34:56.789Z'), tags: new Map([['a', 1], ['b', 2]]) };
        const copy = structuredClone(original);
        copy.tags.set('c', 3);

        // Timers fire after the microtasks queued before them, even when
        // host calls in between take longer than the timer's delay.
        const order: string[] = ['sync'];
        setTimeout(() => order.push('timeout 20ms'), 20);
        setTimeout(() => order.push('timeout 0ms'), 0);
        void Promise.resolve().then(() => order.push('microtask'));
        const pings = await Promise.all([1, 2, 3].map((n) => nango.get({ endpoint: '/ping', params: { n } })));
        order.push('pings');
        await sleep(50);

        const [metadata, connection] = await Promise.all([nango.getMetadata(), nango.getConnection()]);

        return {
            url: {
                protocol: url.protocol,
                hostname: url.hostname,
                port: url.port,
                pathname: url.pathname,
                q: url.searchParams.get('q'),
                limit: url.searchParams.get('limit'),
                hash: url.hash,
                origin: url.origin
            },
            resolved: resolved.href,
            searchParams: params.toString(),
            tags: params.getAll('tag'),
            textLength: encoded.length,
            textRoundTrip: decoded,
            base64,
            hex,
            fromBase64: Buffer.from(base64, 'base64').toString('utf8'),
            fromHex: Buffer.from(hex, 'hex').toString('utf8'),
            btoa: basic,
            atob: atob(basic),
            clone: {
                isDate: copy.when instanceof Date,
                sameDate: copy.when === original.when,
                iso: copy.when.toISOString(),
                isMap: copy.tags instanceof Map,
                entries: [...copy.tags.entries()],
                originalSize: original.tags.size
            },
            sha256: crypto.createHash('sha256').update('abc').digest('hex'),
            sha256Base64: createHash('sha256').update(input.message).digest('base64'),
            hmac: createHmac('sha256', input.secret).update(input.message).digest('hex'),
            uuid: randomUUID(),
            webUuid: globalThis.crypto.randomUUID(),
            order,
            pings: pings.map((r) => r.data.n),
            metadata,
            connectionId: connection.connection_id,
            random: Math.random()
        };
    }
});
