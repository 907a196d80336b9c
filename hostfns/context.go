package hostfns

import "context"

type nangoKey struct{}

// WithNango returns a context carrying n, the nango object of the execution
// that runs guest code under that context. Host functions find it there.
func WithNango(ctx context.Context, n *Nango) context.Context {
	return context.WithValue(ctx, nangoKey{}, n)
}

// FromContext returns the nango object WithNango put in ctx.
func FromContext(ctx context.Context) (*Nango, bool) {
	n, ok := ctx.Value(nangoKey{}).(*Nango)
	return n, ok
}
