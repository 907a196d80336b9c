// Package oauth is ferry's OAuth2 client side, independent of the HTTP
// server: it builds a provider's authorization URL (state and PKCE S256),
// exchanges an authorization code, refreshes a token, and obtains
// client-credentials tokens, all through golang.org/x/oauth2 with the
// caller's (network-guarded) HTTP client.
//
// App is one integration's OAuth app resolved for one connection (its
// templated URLs expanded with the connection config). States keeps the
// pending authorizations of the connect flow; ConnectTokens signs the
// short-lived tokens that let a browser start one. Every type here is safe
// for concurrent use.
package oauth
