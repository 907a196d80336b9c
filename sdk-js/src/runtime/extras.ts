/**
 * The nango methods served by capabilities beyond docs/ABI.md's table:
 * get_token, get_integration, get_webhook_url, get_environment_variables,
 * trigger_action, trigger_sync, try_acquire_lock, release_lock and fetch.
 * A host that does not implement one answers "no host function", and the
 * method throws "nango.X is not available in this ferry version".
 * The result shapes are documented in sdk-js/README.md.
 */

import { hostCallOr } from '../shared/host';
import type { EnvironmentVariable, FetchOptions, FetchResponse, Integration } from '../types';

/** getToken returns the connection's access token or credentials object. */
export function getToken(): string | Record<string, unknown> {
    const res = hostCallOr<{ token?: string | Record<string, unknown> }>('nango.getToken', 'get_token', {});
    return res.token ?? (res as Record<string, unknown>);
}

/** getIntegration returns the integration the connection belongs to. */
export function getIntegration(queries?: { include?: string[] }): Integration {
    const res = hostCallOr<{ integration?: Integration }>('nango.getIntegration', 'get_integration', queries?.include ? { include: queries.include } : {});
    return res.integration ?? (res as unknown as Integration);
}

/** getWebhookURL returns the URL the provider sends this integration's webhooks to. */
export function getWebhookURL(): string | null | undefined {
    return hostCallOr<{ url?: string | null }>('nango.getWebhookURL', 'get_webhook_url', {}).url;
}

/** getEnvironmentVariables returns the environment's variables as [{name, value}]. */
export function getEnvironmentVariables(): EnvironmentVariable[] | null {
    return hostCallOr<{ variables?: EnvironmentVariable[] | null }>('nango.getEnvironmentVariables', 'get_environment_variables', {}).variables ?? null;
}

/** triggerAction runs another action and returns its output. */
export function triggerAction<Out>(providerConfigKey: string, connectionId: string, actionName: string, input?: unknown): Out {
    const res = hostCallOr<{ output?: Out }>('nango.triggerAction', 'trigger_action', { providerConfigKey, connectionId, actionName, input: input ?? null });
    return res.output as Out;
}

/** triggerSync starts a sync run. */
export function triggerSync(providerConfigKey: string, connectionId: string, syncName: string | { name: string; variant?: string }, fullResync?: boolean): void | string {
    const name = typeof syncName === 'string' ? syncName : syncName.name;
    const variant = typeof syncName === 'string' ? undefined : syncName.variant;
    const res = hostCallOr<{ id?: string }>('nango.triggerSync', 'trigger_sync', { providerConfigKey, connectionId, syncName: name, ...(variant ? { variant } : {}), fullResync: Boolean(fullResync) });
    return res.id;
}

/** tryAcquireLock takes a lock for ttlMs if nobody holds it; it reports whether it did. */
export function tryAcquireLock(options: { key: string; ttlMs: number }): boolean {
    return Boolean(hostCallOr<{ acquired?: boolean }>('nango.tryAcquireLock', 'try_acquire_lock', { key: options?.key, ttlMs: options?.ttlMs }).acquired);
}

/** releaseLock releases a lock this execution holds. */
export function releaseLock(options: { key: string }): boolean {
    return hostCallOr<{ released?: boolean }>('nango.releaseLock', 'release_lock', { key: options?.key }).released ?? true;
}

/** uncontrolledFetch makes a plain HTTP call, without the connection's credentials. */
export function uncontrolledFetch(options: FetchOptions): FetchResponse {
    const res = hostCallOr<{ status: number; statusText?: string; headers?: Record<string, string>; body?: string | null }>('nango.uncontrolledFetch', 'fetch', {
        url: String(options.url),
        method: (options.method ?? 'GET').toUpperCase(),
        headers: options.headers ?? {},
        body: options.body ?? null,
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers ?? {})) headers[k.toLowerCase()] = v;
    const body = res.body ?? '';
    return {
        ok: res.status >= 200 && res.status < 300,
        status: res.status,
        statusText: res.statusText ?? '',
        headers: {
            get: (name: string) => headers[name.toLowerCase()] ?? null,
            has: (name: string) => name.toLowerCase() in headers,
            forEach: (cb: (value: string, name: string) => void) => Object.entries(headers).forEach(([k, v]) => cb(v, k)),
        },
        text: async () => body,
        json: async () => JSON.parse(body),
    };
}
