package hostfns

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/ferryhq/ferry/internal/syntax"
)

// Page is one page of records and where the next one starts; Next is nil
// after the last page. Records are slices of the upstream's body, not
// copies: they must not be modified.
type Page struct {
	Records []json.RawMessage `json:"records"`
	Next    *PageState        `json:"next"`
	// Response is the upstream's whole answer for the page, for Nango's
	// paginate.on_page; the paginate host function includes it only when
	// asked (withResponse), since it repeats the records.
	Response *Response `json:"response,omitempty"`
}

// Paginate fetches every page cfg describes and hands each page's records to
// yield; an error from yield stops it and is returned as is.
func (h *HTTP) Paginate(ctx context.Context, t Target, cfg ProxyConfig, yield func(records []json.RawMessage) error) error {
	var state *PageState
	for {
		page, err := h.NextPage(ctx, t, cfg, state)
		if err != nil {
			return err
		}
		if len(page.Records) > 0 {
			if err := yield(page.Records); err != nil {
				return err
			}
		}
		if page.Next == nil {
			return nil
		}
		state = page.Next
	}
}

// NextPage fetches the page at state (nil: the first page). It is
// stateless: everything it needs to go on is in the returned Page.Next.
func (h *HTTP) NextPage(ctx context.Context, t Target, cfg ProxyConfig, state *PageState) (Page, error) {
	pc := mergePaginate(t.Provider.Paginate, cfg.Paginate)
	inBody, err := pc.check(cfg)
	if err != nil {
		return Page{}, err
	}
	st := PageState{Offset: deref(pc.OffsetStartValue)}
	if state != nil {
		st = *state
	}
	if st.Link == "" { // a link carries every parameter itself
		set := map[string]json.RawMessage{}
		if pc.Limit != nil {
			set[pc.LimitNameInRequest] = json.RawMessage(strconv.Itoa(*pc.Limit))
		}
		switch {
		case pc.Type == PaginateCursor && len(st.Cursor) > 0:
			set[pc.CursorNameInRequest] = st.Cursor
		case pc.Type == PaginateOffset:
			set[pc.OffsetNameInRequest] = json.RawMessage(strconv.Itoa(st.Offset))
		}
		if cfg, err = withPageParams(cfg, set, inBody); err != nil {
			return Page{}, err
		}
	}
	p, err := newPlan(cfg, t.Provider)
	if err != nil {
		return Page{}, err
	}
	p.link = st.Link
	resp, err := h.do(ctx, t, p)
	if err != nil {
		return Page{}, fmt.Errorf("page %d: %w", st.Page+1, err)
	}
	records, err := pageRecords(resp.Data, pc.ResponsePath, state == nil)
	if err != nil || len(records) == 0 {
		return Page{Records: records, Response: resp}, err
	}
	next, err := pc.next(st, resp, len(records))
	return Page{Records: records, Next: next, Response: resp}, err
}

// withPageParams returns cfg with the pagination parameters set, in the
// params or in the JSON body.
func withPageParams(cfg ProxyConfig, set map[string]json.RawMessage, inBody bool) (ProxyConfig, error) {
	if len(set) == 0 {
		return cfg, nil
	}
	if inBody {
		body := map[string]json.RawMessage{}
		if k := syntax.JSONKind(cfg.Data); k != "nothing" && k != "null" {
			if err := json.Unmarshal(cfg.Data, &body); err != nil {
				return cfg, fmt.Errorf("%w: paginate: in_body needs data to be an object, not %s", ErrInvalidConfig, syntax.Article(k))
			}
		}
		for k, v := range set {
			body[k] = v
		}
		data, err := json.Marshal(body)
		cfg.Data = data
		return cfg, err
	}
	params := make(Params, len(cfg.Params)+len(set))
	for k, v := range cfg.Params {
		params[k] = v
	}
	for k, v := range set {
		s, _, err := scalarString(v)
		if err != nil {
			return cfg, fmt.Errorf("%w: paginate: %s: %w", ErrInvalidConfig, k, err)
		}
		params[k] = []string{s}
	}
	cfg.Params = params
	return cfg, nil
}

// pageRecords is the array at path in a page, cut into its elements without
// decoding them (pagePath). A null or, after the first page, missing value
// is an empty page; anything but an array is an error.
func pageRecords(data json.RawMessage, path string, first bool) ([]json.RawMessage, error) {
	where := "the response body"
	if path != "" {
		where = fmt.Sprintf("response_path %q", path)
	}
	v, found := pagePath(data, path)
	switch kind := syntax.JSONKind(v); {
	case !found && first && syntax.JSONKind(data) != "null":
		return nil, fmt.Errorf("%w: paginate: %s is not in the response", ErrInvalidConfig, where)
	case !found || kind == "null":
		return []json.RawMessage{}, nil
	case kind != "array":
		return nil, fmt.Errorf("%w: paginate: %s is %s, not an array of records", ErrInvalidConfig, where, syntax.Article(kind))
	}
	// The records are cut out of the page as they are: they cross to the
	// guest unchanged, and are validated where they are stored.
	records, err := splitArray(v)
	if err != nil {
		return nil, fmt.Errorf("paginate: decode records: %w", err)
	}
	return records, nil
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
