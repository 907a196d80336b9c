package hostfns

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Pagination types.
const (
	PaginateCursor = "cursor"
	PaginateLink   = "link"
	PaginateOffset = "offset"
)

// PaginateConfig is Nango's pagination settings. The provider's default
// (Provider.Paginate) is merged under the function's cfg.paginate, field by
// field.
type PaginateConfig struct {
	Type                    string `json:"type,omitempty"` // cursor | link | offset
	Limit                   *int   `json:"limit,omitempty"`
	LimitNameInRequest      string `json:"limit_name_in_request,omitempty"`
	ResponsePath            string `json:"response_path,omitempty"` // dotted path to the records; "" = the body
	InBody                  *bool  `json:"in_body,omitempty"`       // default true for POST, PUT, PATCH
	CursorPathInResponse    string `json:"cursor_path_in_response,omitempty"`
	CursorNameInRequest     string `json:"cursor_name_in_request,omitempty"`
	LinkRelInResponseHeader string `json:"link_rel_in_response_header,omitempty"` // default "next"
	LinkPathInResponseBody  string `json:"link_path_in_response_body,omitempty"`
	OffsetNameInRequest     string `json:"offset_name_in_request,omitempty"`
	OffsetStartValue        *int   `json:"offset_start_value,omitempty"`
	OffsetCalculationMethod string `json:"offset_calculation_method,omitempty"` // by-response-size (default) | per-page
}

// PageState is where pagination stands between two pages. Guests hold it
// opaquely between calls, so it round-trips through JSON.
type PageState struct {
	Cursor json.RawMessage `json:"cursor,omitempty"` // the cursor as the upstream sent it (string or number)
	Link   string          `json:"link,omitempty"`   // the next page's URL
	Offset int             `json:"offset,omitempty"`
	Page   int             `json:"page"` // pages fetched before this one
}

// Page is one page of records and where the next one starts; Next is nil
// after the last page.
type Page struct {
	Records []json.RawMessage `json:"records"`
	Next    *PageState        `json:"next"`
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
		return Page{Records: records}, err
	}
	next, err := pc.next(st, resp, len(records))
	return Page{Records: records, Next: next}, err
}

// mergePaginate lays the function's settings over the provider's.
func mergePaginate(prov, fn *PaginateConfig) PaginateConfig {
	var c PaginateConfig
	for _, s := range []*PaginateConfig{prov, fn} {
		if s == nil {
			continue
		}
		c.Type = cmp.Or(s.Type, c.Type)
		c.Limit = cmp.Or(s.Limit, c.Limit)
		c.LimitNameInRequest = cmp.Or(s.LimitNameInRequest, c.LimitNameInRequest)
		c.ResponsePath = cmp.Or(s.ResponsePath, c.ResponsePath)
		c.InBody = cmp.Or(s.InBody, c.InBody)
		c.CursorPathInResponse = cmp.Or(s.CursorPathInResponse, c.CursorPathInResponse)
		c.CursorNameInRequest = cmp.Or(s.CursorNameInRequest, c.CursorNameInRequest)
		c.LinkRelInResponseHeader = cmp.Or(s.LinkRelInResponseHeader, c.LinkRelInResponseHeader)
		c.LinkPathInResponseBody = cmp.Or(s.LinkPathInResponseBody, c.LinkPathInResponseBody)
		c.OffsetNameInRequest = cmp.Or(s.OffsetNameInRequest, c.OffsetNameInRequest)
		c.OffsetStartValue = cmp.Or(s.OffsetStartValue, c.OffsetStartValue)
		c.OffsetCalculationMethod = cmp.Or(s.OffsetCalculationMethod, c.OffsetCalculationMethod)
	}
	return c
}

// check validates merged settings and says whether the pagination
// parameters go in the body.
func (c PaginateConfig) check(cfg ProxyConfig) (inBody bool, err error) {
	bad := func(format string, args ...any) (bool, error) {
		return false, fmt.Errorf("%w: paginate: "+format, append([]any{ErrInvalidConfig}, args...)...)
	}
	switch c.Type {
	case PaginateCursor:
		if c.CursorPathInResponse == "" || c.CursorNameInRequest == "" {
			return bad("cursor pagination needs cursor_path_in_response and cursor_name_in_request")
		}
	case PaginateOffset:
		if c.OffsetNameInRequest == "" {
			return bad("offset pagination needs offset_name_in_request")
		}
	case PaginateLink:
	case "":
		return bad("no type: neither paginate.type nor the provider's default sets one")
	default:
		return bad("unknown type %q (want cursor, link or offset)", c.Type)
	}
	switch {
	case c.Limit != nil && *c.Limit <= 0:
		return bad("limit is %d, want more than 0", *c.Limit)
	case c.Limit != nil && c.LimitNameInRequest == "":
		return bad("limit needs limit_name_in_request")
	case c.OffsetCalculationMethod != "" && c.OffsetCalculationMethod != "by-response-size" && c.OffsetCalculationMethod != "per-page":
		return bad("unknown offset_calculation_method %q (want by-response-size or per-page)", c.OffsetCalculationMethod)
	}
	if rt := strings.ToLower(cfg.ResponseType); rt != "" && rt != "json" {
		return bad("responseType %q: pages must be JSON", cfg.ResponseType)
	}
	method := strings.ToUpper(cmp.Or(strings.TrimSpace(cfg.Method), "GET"))
	inBody = method == "POST" || method == "PUT" || method == "PATCH"
	if c.InBody != nil {
		inBody = *c.InBody
	}
	if inBody && (method == "GET" || method == "HEAD") {
		return bad("in_body needs a method with a body, not %s", method)
	}
	return inBody, nil
}

// withPageParams returns cfg with the pagination parameters set, in the
// params or in the JSON body.
func withPageParams(cfg ProxyConfig, set map[string]json.RawMessage, inBody bool) (ProxyConfig, error) {
	if len(set) == 0 {
		return cfg, nil
	}
	if inBody {
		body := map[string]json.RawMessage{}
		if k := jsonKind(cfg.Data); k != "nothing" && k != "null" {
			if err := json.Unmarshal(cfg.Data, &body); err != nil {
				return cfg, fmt.Errorf("%w: paginate: in_body needs data to be an object, not %s", ErrInvalidConfig, aKind(k))
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

// pageRecords is the array at path in a page. A null or, after the first
// page, missing value is an empty page; anything but an array is an error.
func pageRecords(data json.RawMessage, path string, first bool) ([]json.RawMessage, error) {
	where := "the response body"
	if path != "" {
		where = fmt.Sprintf("response_path %q", path)
	}
	v, found := jsonPath(data, path)
	switch kind := jsonKind(v); {
	case !found && first && jsonKind(data) != "null":
		return nil, fmt.Errorf("%w: paginate: %s is not in the response", ErrInvalidConfig, where)
	case !found || kind == "null":
		return []json.RawMessage{}, nil
	case kind != "array":
		return nil, fmt.Errorf("%w: paginate: %s is %s, not an array of records", ErrInvalidConfig, where, aKind(kind))
	}
	var records []json.RawMessage
	if err := json.Unmarshal(v, &records); err != nil {
		return nil, fmt.Errorf("paginate: decode records: %w", err)
	}
	return records, nil
}

// next is the state after a non-empty page of n records, nil at the end.
func (c PaginateConfig) next(st PageState, resp *Response, n int) (*PageState, error) {
	following := &PageState{Page: st.Page + 1}
	switch c.Type {
	case PaginateCursor:
		cur, found := jsonPath(resp.Data, c.CursorPathInResponse)
		if !found || blankCursor(cur) || bytes.Equal(cur, st.Cursor) { // a repeated cursor would loop forever
			return nil, nil
		}
		if k := jsonKind(cur); k != "string" && k != "number" {
			return nil, fmt.Errorf("%w: paginate: cursor_path_in_response %q is %s, not a string or number", ErrInvalidConfig, c.CursorPathInResponse, aKind(k))
		}
		following.Cursor = cur
	case PaginateLink:
		link := c.nextLink(resp)
		if link == "" || link == st.Link {
			return nil, nil
		}
		following.Link = link
	case PaginateOffset:
		if c.Limit != nil && n < *c.Limit {
			return nil, nil
		}
		following.Offset = st.Offset + n
		if c.OffsetCalculationMethod == "per-page" {
			following.Offset = st.Offset + 1
		}
	}
	return following, nil
}

// blankCursor reports cursors that end pagination, as in Nango: null,
// false, 0 and blank strings.
func blankCursor(cur json.RawMessage) bool {
	switch jsonKind(cur) {
	case "null", "boolean":
		return true
	case "number":
		f, err := strconv.ParseFloat(string(cur), 64)
		return err == nil && f == 0
	case "string":
		var s string
		return json.Unmarshal(cur, &s) != nil || strings.TrimSpace(s) == ""
	}
	return false
}

// nextLink is the next page's link: from the body when
// link_path_in_response_body is set (and no header rel is), else from the
// Link header's rel (default "next").
func (c PaginateConfig) nextLink(resp *Response) string {
	if c.LinkPathInResponseBody != "" && c.LinkRelInResponseHeader == "" {
		var s string
		if v, found := jsonPath(resp.Data, c.LinkPathInResponseBody); found && json.Unmarshal(v, &s) == nil {
			return strings.TrimSpace(s)
		}
		return ""
	}
	return linkHeaderRel(resp.Headers["link"], cmp.Or(c.LinkRelInResponseHeader, "next"))
}

// linkHeaderRel returns the target of the first link with relation rel in
// an RFC 8288 Link header: `<https://…?page=2>; rel="next", <…>; rel="last"`.
func linkHeaderRel(header, rel string) string {
	s := header
	for {
		s = strings.TrimLeft(s, " \t,")
		if !strings.HasPrefix(s, "<") {
			return ""
		}
		end := strings.IndexByte(s, '>')
		if end < 0 {
			return ""
		}
		target := s[1:end]
		s = s[end+1:]
		params, rest := cutLinkParams(s)
		s = rest
		for param := range strings.SplitSeq(params, ";") {
			k, v, _ := strings.Cut(param, "=")
			if !strings.EqualFold(strings.TrimSpace(k), "rel") {
				continue
			}
			for r := range strings.FieldsSeq(strings.Trim(strings.TrimSpace(v), `"`)) {
				if strings.EqualFold(r, rel) {
					return strings.TrimSpace(target)
				}
			}
		}
	}
}

// cutLinkParams splits a link's parameters from the links after it, at the
// first comma outside quotes.
func cutLinkParams(s string) (params, rest string) {
	quoted := false
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				return s[:i], s[i+1:]
			}
		}
	}
	return s, ""
}

// linkURL resolves a next-page link. A link on the base URL's host is
// followed as is; any other link is rebased onto the base URL (as Nango does
// for every link), so credentials never leave the provider's host.
func linkURL(base *url.URL, link string) (*url.URL, error) {
	lu, err := url.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("next page link %q: %w", link, err)
	}
	if lu.IsAbs() && strings.EqualFold(lu.Scheme, base.Scheme) && strings.EqualFold(lu.Host, base.Host) {
		return lu, nil
	}
	ref, path := lu.EscapedPath(), lu.EscapedPath()
	if lu.RawQuery != "" {
		ref += "?" + lu.RawQuery
	}
	basePath := strings.TrimSuffix(base.EscapedPath(), "/")
	if strings.HasPrefix(path, "/") && (basePath == "" || strings.HasPrefix(path, basePath+"/")) {
		return parseHTTPURL(base.Scheme + "://" + base.Host + ref)
	}
	return parseHTTPURL(joinURL(base.String(), ref))
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}
