/**
 * The TypeScript shapes of the `nango` object and its arguments, as in
 * Nango's SDK: ProxyConfiguration, NangoResponse (axios-like), pagination
 * settings, NangoAction and NangoSync, generic over the function's zod
 * schemas. Types only: nothing here exists at run time.
 */

import type * as z from 'zod';
import type { ActionError } from './errors';

/** MaybePromise is a value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/** ZodModel is a sync model: a zod object with an id. */
export type ZodModel = z.ZodObject<any>;
/** ZodMetadata is a connection metadata schema. */
export type ZodMetadata = z.ZodObject<any> | z.ZodVoid | undefined;
/** ZodCheckpoint is a checkpoint schema: a flat zod object. */
export type ZodCheckpoint = z.ZodObject<any> | undefined;

/** InferMetadata is the metadata type a schema describes (any object without one). */
export type InferMetadata<T> = [T] extends [never] ? Metadata : [T] extends [z.ZodObject<any>] ? z.infer<T> : Metadata;
/** InferCheckpoint is the checkpoint type a schema describes. */
export type InferCheckpoint<T> = [T] extends [never] ? Checkpoint : [T] extends [z.ZodObject<any>] ? z.infer<T> : Checkpoint;

/** Metadata is a connection's metadata. */
export type Metadata = Record<string, any>;
/** Checkpoint is a flat object of strings, numbers and booleans. */
export type Checkpoint = Record<string, string | number | boolean>;

/** HttpMethod is an HTTP verb, in either case. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE' | 'HEAD' | 'OPTIONS' | 'get' | 'post' | 'patch' | 'put' | 'delete' | 'head' | 'options';

/** NangoSyncEndpointV2 is an endpoint a sync's records or an action answer under. */
export interface NangoSyncEndpointV2 {
    method?: HttpMethod;
    path: string;
    group?: string | undefined;
}

/** PaginationType names the supported pagination strategies. */
export type PaginationType = 'cursor' | 'link' | 'offset';

/** Pagination holds the settings common to every strategy. */
export interface Pagination {
    type: PaginationType | string;
    limit?: number | string;
    response_path?: string;
    limit_name_in_request?: string;
    in_body?: boolean;
    on_page?: (paginationState: { nextPageParam?: string | number | undefined; response: NangoResponse }) => MaybePromise<void>;
}

/** CursorPagination reads the next cursor from each response. */
export interface CursorPagination extends Pagination {
    cursor_path_in_response?: string;
    cursor_name_in_request?: string;
}

/** LinkPagination follows a next link from a header or the body. */
export interface LinkPagination extends Pagination {
    link_rel_in_response_header?: string;
    link_path_in_response_body?: string;
}

/** OffsetPagination counts records or pages. */
export interface OffsetPagination extends Pagination {
    offset_name_in_request?: string;
    offset_start_value?: number;
    offset_calculation_method?: 'per-page' | 'by-response-size';
}

/** PaginationConfig is what ProxyConfiguration.paginate accepts. */
export type PaginationConfig = Partial<CursorPagination & LinkPagination & OffsetPagination>;

/** RetryHeaderConfig names the headers that say when to retry. */
export interface RetryHeaderConfig {
    at?: string;
    after?: string;
    remaining?: string;
    error_code?: string;
}

type ParamValue = string | number | boolean | null | undefined;

/** ProxyConfiguration describes one call to the connection's API. */
export interface ProxyConfiguration {
    endpoint: string;
    method?: HttpMethod;
    headers?: Record<string, string | number | boolean>;
    params?: string | Record<string, ParamValue | ParamValue[]>;
    data?: unknown;
    retries?: number;
    retryOn?: number[] | null;
    retryHeader?: RetryHeaderConfig;
    baseUrlOverride?: string;
    decompress?: boolean | string;
    responseType?: 'arraybuffer' | 'blob' | 'document' | 'json' | 'text' | 'stream';
    paginate?: PaginationConfig;
    providerConfigKey?: string;
    connectionId?: string;
}

/** NangoResponse is an axios-like HTTP answer. */
export interface NangoResponse<T = any> {
    data: T;
    status: number;
    statusText: string;
    headers: Record<string, string>;
    config: ProxyConfiguration;
    request?: unknown;
}

/** AxiosResponse is NangoResponse, under the name Nango code uses. */
export type AxiosResponse<T = any> = NangoResponse<T>;

/** NangoHttpError is thrown for an upstream answer outside 2xx, shaped like an AxiosError. */
export interface NangoHttpError<T = any> extends Error {
    isAxiosError: true;
    code: 'ERR_BAD_REQUEST' | 'ERR_BAD_RESPONSE';
    status: number;
    config: ProxyConfiguration;
    response: { status: number; statusText: string; headers: Record<string, string>; data: T; config: ProxyConfiguration };
    toJSON(): Record<string, unknown>;
}

/** AxiosError is NangoHttpError, under the name Nango code uses. */
export type AxiosError<T = any> = NangoHttpError<T>;

/** LogLevel is a log line's level. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** UserLogParameters is the options argument of nango.log. */
export interface UserLogParameters {
    level?: LogLevel;
}

/** Connection is what getConnection returns. */
export interface Connection {
    connection_id: string;
    provider_config_key: string;
    provider: string;
    environment?: string;
    connection_config: Record<string, any>;
    metadata: Metadata | null;
    credentials?: Record<string, any>;
    [key: string]: any;
}

/** Integration is what getIntegration returns. */
export interface Integration {
    unique_key: string;
    provider: string;
    display_name?: string;
    webhook_url?: string | null;
    [key: string]: any;
}

/** EnvironmentVariable is one of getEnvironmentVariables' entries. */
export interface EnvironmentVariable {
    name: string;
    value: string;
}

/** RawModel is a record: an object with an id. */
export interface RawModel {
    [key: string]: unknown;
    id: string | number;
}

/** WithId is a partial record that names its id (batchUpdate, batchDelete). */
export type WithId<T> = Partial<T> & { id: string | number };

/** RecordMetadata is what ferry and Nango keep about a stored record. */
export interface RecordMetadata {
    first_seen_at: string;
    last_modified_at: string;
    last_action: 'ADDED' | 'UPDATED' | 'DELETED';
    deleted_at: string | null;
    cursor: string;
    /** when PATCH /records/prune dropped the record's data (only its id is left) */
    pruned_at: string | null;
}

/** ListRecordsResult is one page of listRecords. */
export interface ListRecordsResult<T> {
    records: Array<T & { _nango_metadata: RecordMetadata }>;
    next_cursor: string | null;
}

/** FetchOptions is what uncontrolledFetch takes. */
export interface FetchOptions {
    url: string | { toString(): string };
    method?: HttpMethod;
    headers?: Record<string, string>;
    body?: string | null;
}

/** FetchResponse is a minimal fetch Response. */
export interface FetchResponse {
    ok: boolean;
    status: number;
    statusText: string;
    headers: { get(name: string): string | null; has(name: string): boolean; forEach(cb: (value: string, name: string) => void): void };
    text(): Promise<string>;
    json<T = any>(): Promise<T>;
}

/** NangoAction is the nango object of actions and on-event functions (and the base of NangoSync). */
export interface NangoAction<TMetadata extends ZodMetadata = undefined, TCheckpoint extends ZodCheckpoint = undefined> {
    readonly connectionId: string;
    readonly providerConfigKey: string;
    readonly provider: string | undefined;
    readonly environmentName: string | undefined;
    readonly scriptType: 'sync' | 'action' | 'webhook' | 'on-event';
    ActionError: typeof ActionError;

    proxy<T = any>(config: ProxyConfiguration): Promise<NangoResponse<T>>;
    get<T = any>(config: Omit<ProxyConfiguration, 'method'>): Promise<NangoResponse<T>>;
    post<T = any>(config: Omit<ProxyConfiguration, 'method'>): Promise<NangoResponse<T>>;
    put<T = any>(config: Omit<ProxyConfiguration, 'method'>): Promise<NangoResponse<T>>;
    patch<T = any>(config: Omit<ProxyConfiguration, 'method'>): Promise<NangoResponse<T>>;
    delete<T = any>(config: Omit<ProxyConfiguration, 'method'>): Promise<NangoResponse<T>>;
    paginate<T = any>(config: ProxyConfiguration): AsyncGenerator<T[], undefined, void>;
    uncontrolledFetch(options: FetchOptions): Promise<FetchResponse>;

    getConnection(providerConfigKeyOverride?: string, connectionIdOverride?: string): Promise<Connection>;
    getToken(): Promise<string | Record<string, any>>;
    getIntegration(queries?: { include?: string[] }): Promise<Integration>;
    getWebhookURL(): Promise<string | null | undefined>;
    getEnvironmentVariables(): Promise<EnvironmentVariable[] | null>;
    getMetadata<T = InferMetadata<TMetadata>>(): Promise<T>;
    setMetadata(metadata: InferMetadata<TMetadata>): Promise<NangoResponse<unknown>>;
    updateMetadata(metadata: Partial<InferMetadata<TMetadata>>): Promise<NangoResponse<unknown>>;

    getCheckpoint(): Promise<InferCheckpoint<TCheckpoint> | null>;
    saveCheckpoint(checkpoint: InferCheckpoint<TCheckpoint>): Promise<void>;
    clearCheckpoint(): Promise<void>;

    log(message: any, options?: UserLogParameters | { [key: string]: any; level?: never }): Promise<void>;
    log(message: string, ...args: [any, UserLogParameters]): Promise<void>;
    log(...args: [...any]): Promise<void>;

    triggerAction<In = unknown, Out = object>(providerConfigKey: string, connectionId: string, actionName: string, input?: In): Promise<Out>;
    triggerSync(providerConfigKey: string, connectionId: string, syncName: string | { name: string; variant?: string }, fullResync?: boolean): Promise<void | string>;
    tryAcquireLock(options: { key: string; ttlMs: number }): Promise<boolean>;
    releaseLock(options: { key: string }): Promise<boolean>;
    zodValidateInput<T = any, Z = any>(options: { zodSchema: z.ZodType<Z>; input: T }): Promise<{ success: true; data: Z }>;
}

/** NangoSync is the nango object of syncs and their webhook handlers. */
export interface NangoSync<
    TModels extends Record<string, ZodModel> = Record<string, ZodModel>,
    TMetadata extends ZodMetadata = undefined,
    TCheckpoint extends ZodCheckpoint = undefined,
    TModelName extends keyof TModels = keyof TModels,
> extends NangoAction<TMetadata, TCheckpoint> {
    readonly variant: string;
    /** @deprecated use checkpoints */
    readonly lastSyncDate: Date | undefined;
    readonly track_deletes: boolean;

    batchSave<TModel = z.infer<TModels[TModelName]>>(results: TModel[], model: TModelName): Promise<boolean>;
    /** @deprecated use batchSave */
    batchSend<TModel = z.infer<TModels[TModelName]>>(results: TModel[], model: TModelName): Promise<boolean>;
    batchUpdate<TModel = z.infer<TModels[TModelName]>>(results: WithId<TModel>[], model: TModelName): Promise<boolean>;
    batchDelete<TModel = z.infer<TModels[TModelName]>>(results: WithId<TModel>[], model: TModelName): Promise<boolean>;
    getRecordsByIds<TKey = string | number, TModel = z.infer<TModels[TModelName]>>(ids: TKey[], model: TModelName): Promise<Map<TKey, TModel>>;
    listRecords<TModel = z.infer<TModels[TModelName]>>(model: TModelName, options?: { cursor?: string | null; limit?: number }): Promise<ListRecordsResult<TModel>>;
    trackDeletesStart(model: TModelName): Promise<void>;
    trackDeletesEnd(model: TModelName): Promise<{ deletedKeys: string[] }>;
    setMergingStrategy(merging: { strategy: 'ignore_if_modified_after' | 'override' }, model: TModelName): Promise<void>;
}
