// Package server is ferry's HTTP API (`ferry serve`), shaped like Nango's
// so that @nangohq/node and existing backends work against it
// (../shared/NANGO-COMPAT.md §D): integrations, connections and their
// metadata (with the routes older Node clients still use), the OAuth2
// connect flow and token refreshes, the proxy, function deploys and
// action triggers.
//
// Every route needs the secret key (Authorization: Bearer) but /health
// and the browser's side of the OAuth flow (/oauth/connect with a connect
// session token, /oauth/callback).
// Errors are JSON, {"error": {"code", "message"}}, with the status one
// place decides (errors.go). Credentials are sealed (Config.Sealer) before
// they reach the store and opened only to answer a request for them.
//
// Fiber is an implementation detail: nothing of it crosses the package's
// API.
package server
