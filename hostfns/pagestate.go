package hostfns

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry/internal/syntax"
)

// PageState is where pagination stands between two pages. Guests hold it
// opaquely between calls, so it round-trips through JSON.
type PageState struct {
	Cursor json.RawMessage `json:"cursor,omitempty"` // the cursor as the upstream sent it (string or number)
	Link   string          `json:"link,omitempty"`   // the next page's URL
	Offset int             `json:"offset,omitempty"`
	Page   int             `json:"page"` // pages fetched before this one
}

// next is the state after a non-empty page of n records, nil at the end.
func (c PaginateConfig) next(st PageState, resp *Response, n int) (*PageState, error) {
	following := &PageState{Page: st.Page + 1}
	switch c.Type {
	case PaginateCursor:
		cur, found := pagePath(resp.Data, c.CursorPathInResponse)
		if !found || blankCursor(cur) || bytes.Equal(cur, st.Cursor) { // a repeated cursor would loop forever
			return nil, nil
		}
		if k := syntax.JSONKind(cur); k != "string" && k != "number" {
			return nil, fmt.Errorf("%w: paginate: cursor_path_in_response %q is %s, not a string or number", ErrInvalidConfig, c.CursorPathInResponse, syntax.Article(k))
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
	switch syntax.JSONKind(cur) {
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
