package providers

import (
	"strings"

	"github.com/ferryhq/ferry/hostfns"
)

// HostProvider returns the part of p the HTTP capability uses: auth mode,
// base URL, headers, query, retry headers, pagination defaults and
// decompression. Retry headers Nango lists are reduced to the first name;
// error codes are joined into one rule list ("403,5xx,429").
func (p Provider) HostProvider() hostfns.Provider {
	hp := hostfns.Provider{Name: p.Name, AuthMode: hostfns.AuthMode(p.AuthMode)}
	px := p.Proxy
	if px == nil {
		return hp
	}
	hp.BaseURL = px.BaseURL
	hp.Headers = cloneMap(px.Headers)
	hp.Query = cloneMap(px.Query)
	hp.Decompress = px.Decompress
	if r := px.Retry; r != nil {
		rh := hostfns.RetryHeader{
			At:        r.At.First(),
			After:     r.After.First(),
			Remaining: r.Remaining.First(),
			ErrorCode: strings.Join(r.ErrorCode, ","),
		}
		if rh != (hostfns.RetryHeader{}) {
			hp.Retry = &rh
		}
	}
	if pg := px.Paginate; pg != nil {
		hp.Paginate = &hostfns.PaginateConfig{
			Type:                    pg.Type,
			Limit:                   clonePtr(pg.Limit),
			LimitNameInRequest:      pg.LimitNameInRequest,
			ResponsePath:            pg.ResponsePath,
			InBody:                  clonePtr(pg.InBody),
			CursorPathInResponse:    pg.CursorPathInResponse,
			CursorNameInRequest:     pg.CursorNameInRequest,
			LinkRelInResponseHeader: pg.LinkRelInResponseHeader,
			LinkPathInResponseBody:  pg.LinkPathInResponseBody,
			OffsetNameInRequest:     pg.OffsetNameInRequest,
			OffsetStartValue:        clonePtr(pg.OffsetStartValue),
			OffsetCalculationMethod: pg.OffsetCalculationMethod,
		}
	}
	return hp
}

func cloneMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}
