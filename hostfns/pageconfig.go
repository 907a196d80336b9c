package hostfns

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
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

// UnmarshalJSON reads a PaginateConfig, taking its limit as a number or,
// as Nango's types allow, a string holding one ("100").
func (c *PaginateConfig) UnmarshalJSON(b []byte) error {
	type plain PaginateConfig
	aux := struct {
		*plain
		Limit json.RawMessage `json:"limit,omitempty"`
	}{plain: (*plain)(c)}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	c.Limit = nil
	limit := bytes.TrimSpace(aux.Limit)
	if len(limit) == 0 || string(limit) == "null" {
		return nil
	}
	if limit[0] == '"' {
		var s string
		if err := json.Unmarshal(limit, &s); err != nil {
			return err
		}
		limit = []byte(strings.TrimSpace(s))
	}
	n, err := strconv.Atoi(string(limit))
	if err != nil {
		return fmt.Errorf("paginate.limit %s is not a whole number", aux.Limit)
	}
	c.Limit = &n
	return nil
}
