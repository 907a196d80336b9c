package hostfns

import (
	"context"
	"errors"
)

// Request makes the HTTP call cfg describes on the connection's API.
func (n *Nango) Request(ctx context.Context, cfg ProxyConfig) (*Response, error) {
	if err := n.sameConnection(cfg); err != nil {
		return nil, err
	}
	res, err := n.http.Do(ctx, n.target(), cfg)
	if err != nil {
		return nil, httpError(err)
	}
	return res, nil
}

// NextPage fetches the page after state (nil: the first page) of the
// pagination cfg describes.
func (n *Nango) NextPage(ctx context.Context, cfg ProxyConfig, state *PageState) (Page, error) {
	if err := n.sameConnection(cfg); err != nil {
		return Page{}, err
	}
	page, err := n.http.NextPage(ctx, n.target(), cfg, state)
	if err != nil {
		return Page{}, httpError(err)
	}
	return page, nil
}

// sameConnection refuses a call routed through another connection: an
// execution is scoped to its own.
func (n *Nango) sameConnection(cfg ProxyConfig) error {
	c := n.scope.Connection
	if cfg.ConnectionID != "" && cfg.ConnectionID != c.ID ||
		cfg.ProviderConfigKey != "" && cfg.ProviderConfigKey != c.ProviderConfigKey {
		return errorf(CodeInvalidConfig, "request: proxying through connection %q of %q is not allowed from an execution scoped to %q of %q",
			cfg.ConnectionID, cfg.ProviderConfigKey, c.ID, c.ProviderConfigKey)
	}
	return nil
}

// httpError maps an HTTP capability failure to the code a guest sees.
func httpError(err error) error {
	var (
		he *HTTPError
		ne *NetworkError
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return err
	case errors.As(err, &he):
		return &Error{Code: CodeHTTPError, Message: err.Error(), err: err}
	case errors.Is(err, ErrInvalidConfig), errors.Is(err, ErrTemplate), errors.Is(err, ErrCredentials):
		return &Error{Code: CodeInvalidConfig, Message: err.Error(), err: err}
	case errors.As(err, &ne):
		return &Error{Code: CodeNetworkError, Message: err.Error(), err: err}
	default:
		return &Error{Code: CodeInternal, Message: err.Error(), err: err}
	}
}
