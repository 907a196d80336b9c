package hostfns

import "context"

// StaticCredentials is a CredentialsProvider that always answers with the
// same credentials: for local runs (ferry run) and tests. The server's
// provider reads stored, encrypted credentials and refreshes them.
type StaticCredentials Credentials

// Credentials returns the static credentials.
func (s StaticCredentials) Credentials(context.Context, Connection) (Credentials, error) {
	return Credentials(s), nil
}
