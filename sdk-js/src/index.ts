/**
 * nango — the package functions import (`import { createSync } from
 * 'nango'`), ferry's implementation of Nango's SDK surface: the three
 * definition helpers, ActionError, and the types of the nango object.
 * The object itself is built per execution by ferry:runtime.
 */

export { createAction, createOnEvent, createSync } from './define';
export type {
    CreateActionProps,
    CreateActionResponse,
    CreateAnyResponse,
    CreateOnEventProps,
    CreateOnEventResponse,
    CreateSyncProps,
    CreateSyncResponse,
    OnEventName,
} from './define';
export { ActionError } from './errors';
export type {
    AxiosError,
    AxiosResponse,
    Checkpoint,
    Connection,
    CursorPagination,
    EnvironmentVariable,
    FetchOptions,
    FetchResponse,
    HttpMethod,
    InferCheckpoint,
    InferMetadata,
    Integration,
    LinkPagination,
    ListRecordsResult,
    LogLevel,
    MaybePromise,
    Metadata,
    NangoAction,
    NangoHttpError,
    NangoResponse,
    NangoSync,
    NangoSyncEndpointV2,
    OffsetPagination,
    Pagination,
    PaginationConfig,
    PaginationType,
    ProxyConfiguration,
    RawModel,
    RecordMetadata,
    RetryHeaderConfig,
    UserLogParameters,
    WithId,
    ZodCheckpoint,
    ZodMetadata,
    ZodModel,
} from './types';
