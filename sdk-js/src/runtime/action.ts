/**
 * FerryAction is the nango object of actions and on-event functions, and
 * the base of syncs' (sync.ts): context, HTTP, connection, metadata,
 * checkpoints, logs and the extras. One is built per execution; it holds
 * nothing another execution could see.
 */

import { ActionError } from '../errors';
import { hostCall } from '../shared/host';
import type { Connection, FetchOptions, NangoResponse, ProxyConfiguration } from '../types';
import * as extras from './extras';
import { paginate, request } from './http';
import { parseLogArgs } from './logargs';
import { zodValidate, type ZodSchemaLike } from './zod';

/** ScriptType is nango.scriptType, as Nango names it. */
export type ScriptType = 'sync' | 'action' | 'webhook' | 'on-event';

type Config = Omit<ProxyConfiguration, 'method'>;

function ok(data: unknown = {}): NangoResponse<unknown> {
    return { status: 200, statusText: 'OK', headers: {}, data, config: { endpoint: '' } };
}

/** FerryAction implements NangoAction (types.ts). */
export class FerryAction {
    /** ActionError is the class to throw for a structured error. */
    ActionError = ActionError;
    readonly scriptType: ScriptType;
    #connection: Connection | undefined;

    constructor(scriptType: ScriptType) {
        this.scriptType = scriptType;
    }

    /** connection reads the connection once per execution (get_connection). */
    protected connection(): Connection {
        if (!this.#connection) {
            this.#connection = hostCall<{ connection: Connection }>('get_connection', {}).connection;
        }
        return this.#connection;
    }

    get connectionId(): string {
        return this.connection().connection_id;
    }

    get providerConfigKey(): string {
        return this.connection().provider_config_key;
    }

    get provider(): string | undefined {
        return this.connection().provider;
    }

    get environmentName(): string | undefined {
        return this.connection().environment;
    }

    async proxy<T = any>(config: ProxyConfiguration): Promise<NangoResponse<T>> {
        return request<T>(config);
    }

    async get<T = any>(config: Config): Promise<NangoResponse<T>> {
        return request<T>(config, 'GET');
    }

    async post<T = any>(config: Config): Promise<NangoResponse<T>> {
        return request<T>(config, 'POST');
    }

    async put<T = any>(config: Config): Promise<NangoResponse<T>> {
        return request<T>(config, 'PUT');
    }

    async patch<T = any>(config: Config): Promise<NangoResponse<T>> {
        return request<T>(config, 'PATCH');
    }

    async delete<T = any>(config: Config): Promise<NangoResponse<T>> {
        return request<T>(config, 'DELETE');
    }

    paginate<T = any>(config: ProxyConfiguration): AsyncGenerator<T[], undefined, void> {
        return paginate<T>(config);
    }

    async uncontrolledFetch(options: FetchOptions) {
        return extras.uncontrolledFetch(options);
    }

    /** getConnection returns this execution's connection; another connection is refused. */
    async getConnection(providerConfigKeyOverride?: string, connectionIdOverride?: string): Promise<Connection> {
        const c = this.connection();
        if ((providerConfigKeyOverride && providerConfigKeyOverride !== c.provider_config_key) || (connectionIdOverride && connectionIdOverride !== c.connection_id)) {
            throw new Error('nango.getConnection: an execution can only read its own connection');
        }
        return JSON.parse(JSON.stringify(c));
    }

    async getToken() {
        return extras.getToken();
    }

    async getIntegration(queries?: { include?: string[] }) {
        return extras.getIntegration(queries);
    }

    async getWebhookURL() {
        return extras.getWebhookURL();
    }

    async getEnvironmentVariables() {
        return extras.getEnvironmentVariables();
    }

    async getMetadata<T = Record<string, any>>(): Promise<T> {
        return hostCall<{ metadata: T }>('get_metadata', {}).metadata;
    }

    async setMetadata(metadata: Record<string, unknown>): Promise<NangoResponse<unknown>> {
        hostCall('set_metadata', { metadata });
        this.#connection = undefined;
        return ok();
    }

    async updateMetadata(metadata: Record<string, unknown>): Promise<NangoResponse<unknown>> {
        hostCall('update_metadata', { metadata });
        this.#connection = undefined;
        return ok();
    }

    async getCheckpoint<T = Record<string, string | number | boolean>>(): Promise<T | null> {
        return hostCall<{ checkpoint: T | null }>('get_checkpoint', {}).checkpoint ?? null;
    }

    async saveCheckpoint(checkpoint: Record<string, string | number | boolean>): Promise<void> {
        if (typeof checkpoint !== 'object' || checkpoint === null || Array.isArray(checkpoint)) {
            throw new TypeError('nango.saveCheckpoint: the checkpoint must be a flat object of strings, numbers and booleans');
        }
        hostCall('save_checkpoint', { checkpoint });
    }

    async clearCheckpoint(): Promise<void> {
        hostCall('clear_checkpoint', {});
    }

    /** log writes a line to the execution's log (Nango's signatures: see logargs.ts). */
    async log(...args: unknown[]): Promise<void> {
        const line = parseLogArgs(args);
        if (!line) return;
        try {
            hostCall('log', line);
        } catch {
            // A log line that cannot be recorded is not worth failing the run for.
        }
    }

    async triggerAction<In = unknown, Out = object>(providerConfigKey: string, connectionId: string, actionName: string, input?: In): Promise<Out> {
        return extras.triggerAction<Out>(providerConfigKey, connectionId, actionName, input);
    }

    async triggerSync(providerConfigKey: string, connectionId: string, syncName: string | { name: string; variant?: string }, fullResync?: boolean): Promise<void | string> {
        return extras.triggerSync(providerConfigKey, connectionId, syncName, fullResync);
    }

    async tryAcquireLock(options: { key: string; ttlMs: number }): Promise<boolean> {
        return extras.tryAcquireLock(options);
    }

    async releaseLock(options: { key: string }): Promise<boolean> {
        return extras.releaseLock(options);
    }

    /** zodValidateInput validates input; on failure it logs each issue and throws an ActionError. */
    async zodValidateInput<Z = any>({ zodSchema, input }: { zodSchema: ZodSchemaLike; input: unknown }): Promise<{ success: true; data: Z }> {
        const res = await zodValidate(zodSchema, input);
        if (res.ok) return { success: true, data: res.data as Z };
        for (const issue of res.issues) {
            await this.log(`Invalid input provided: ${issue.message} at path ${issue.path}`, { level: 'error' });
        }
        throw new ActionError({ message: 'Invalid input provided' });
    }
}
