/**
 * A minimal DOMException for engines without one (QuickJS): the errors
 * atob, structuredClone and crypto.getRandomValues throw.
 */

const LEGACY_CODES: Record<string, number> = {
    IndexSizeError: 1,
    HierarchyRequestError: 3,
    WrongDocumentError: 4,
    InvalidCharacterError: 5,
    NoModificationAllowedError: 7,
    NotFoundError: 8,
    NotSupportedError: 9,
    InvalidStateError: 11,
    SyntaxError: 12,
    InvalidModificationError: 13,
    NamespaceError: 14,
    InvalidAccessError: 15,
    TypeMismatchError: 17,
    SecurityError: 18,
    NetworkError: 19,
    AbortError: 20,
    URLMismatchError: 21,
    QuotaExceededError: 22,
    TimeoutError: 23,
    InvalidNodeTypeError: 24,
    DataCloneError: 25,
};

/** FerryDOMException is the fallback DOMException class. */
class FerryDOMException extends Error {
    readonly code: number;

    constructor(message = '', name = 'Error') {
        super(message);
        Object.defineProperty(this, 'name', { value: name, configurable: true, writable: true });
        this.code = LEGACY_CODES[name] ?? 0;
    }
}

Object.defineProperty(FerryDOMException, 'name', { value: 'DOMException' });

/** DOMException is the engine's own when it has one, else {@link FerryDOMException}. */
export const DOMException: typeof FerryDOMException =
    typeof (globalThis as { DOMException?: unknown }).DOMException === 'function'
        ? ((globalThis as unknown as { DOMException: typeof FerryDOMException }).DOMException)
        : FerryDOMException;
