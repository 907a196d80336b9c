package store

import (
	"fmt"
	"strings"
)

// maxKeyPart bounds each name in a key, far below bbolt's key size limit.
const maxKeyPart = 1024

// Connection identifies one connection's data.
type Connection struct {
	Environment       string // e.g. "dev"
	ProviderConfigKey string // the integration's unique key
	ConnectionID      string
}

// ModelKey names the records of one model of one connection.
type ModelKey struct {
	Connection
	Model string
}

// CheckpointKey names the checkpoint of one function for one connection.
type CheckpointKey struct {
	Connection
	Function string
}

// String renders the connection as environment/integration/connection, for
// error messages and logs.
func (c Connection) String() string {
	return c.Environment + "/" + c.ProviderConfigKey + "/" + c.ConnectionID
}

// String renders the key as environment/integration/connection/model.
func (k ModelKey) String() string { return k.Connection.String() + "/" + k.Model }

// String renders the key as environment/integration/connection/function.
func (k CheckpointKey) String() string { return k.Connection.String() + "/" + k.Function }

func (c Connection) validate() error {
	if err := checkKeyPart("environment", c.Environment); err != nil {
		return err
	}
	if err := checkKeyPart("provider config key", c.ProviderConfigKey); err != nil {
		return err
	}
	return checkKeyPart("connection id", c.ConnectionID)
}

func (k ModelKey) validate() error {
	if err := k.Connection.validate(); err != nil {
		return err
	}
	return checkKeyPart("model", k.Model)
}

func (k CheckpointKey) validate() error {
	if err := k.Connection.validate(); err != nil {
		return err
	}
	return checkKeyPart("function", k.Function)
}

func checkKeyPart(what, v string) error {
	switch {
	case v == "":
		return fmt.Errorf("%s is empty: %w", what, ErrInvalidKey)
	case strings.IndexByte(v, 0) >= 0:
		return fmt.Errorf("%s %q contains a NUL byte: %w", what, v, ErrInvalidKey)
	case len(v) > maxKeyPart:
		return fmt.Errorf("%s is longer than %d bytes: %w", what, maxKeyPart, ErrInvalidKey)
	}
	return nil
}

// bucketKey is the name of the connection's nested bucket under each
// top-level bucket: environment, integration and connection joined by NUL,
// which validate keeps out of the parts themselves.
func (c Connection) bucketKey() []byte {
	b := make([]byte, 0, len(c.Environment)+len(c.ProviderConfigKey)+len(c.ConnectionID)+2)
	b = append(b, c.Environment...)
	b = append(b, 0)
	b = append(b, c.ProviderConfigKey...)
	b = append(b, 0)
	return append(b, c.ConnectionID...)
}
