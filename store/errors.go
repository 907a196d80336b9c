package store

import "errors"

// Sentinel errors. Every error the store returns for bad input wraps one of
// these, so callers (the HTTP layer, host functions) can map them with
// errors.Is; the wrapping message names the operation, the key and, for
// batches, the index of the offending record.
var (
	// ErrInvalidRecord reports a record that is not a JSON object, has a
	// missing or malformed id, or (for UpdateRecords) names an unknown id.
	ErrInvalidRecord = errors.New("store: invalid record")

	// ErrInvalidQuery reports a ListQuery with an out-of-range limit or an
	// unknown action in its filter.
	ErrInvalidQuery = errors.New("store: invalid query")

	// ErrInvalidCursor reports a cursor that the store did not hand out.
	ErrInvalidCursor = errors.New("store: invalid cursor")

	// ErrInvalidCheckpoint reports a checkpoint that is not a flat JSON
	// object of string, number and boolean values.
	ErrInvalidCheckpoint = errors.New("store: invalid checkpoint")

	// ErrInvalidMetadata reports connection metadata that cannot be encoded
	// as a JSON object.
	ErrInvalidMetadata = errors.New("store: invalid metadata")

	// ErrInvalidKey reports an empty environment, integration, connection,
	// model or function name, or one that contains a NUL byte or is longer
	// than maxKeyPart bytes.
	ErrInvalidKey = errors.New("store: invalid key")

	// ErrNotFound reports an integration or connection that does not exist.
	ErrNotFound = errors.New("store: not found")

	// ErrExists reports the creation of an integration that already exists.
	ErrExists = errors.New("store: already exists")

	// ErrInUse reports the deletion of an integration that still has
	// connections.
	ErrInUse = errors.New("store: in use")

	// ErrInvalidWebhook reports an outgoing webhook without a body, or
	// webhook settings with too many URLs.
	ErrInvalidWebhook = errors.New("store: invalid webhook")
)
