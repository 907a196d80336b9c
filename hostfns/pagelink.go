package hostfns

import (
	"cmp"
	"encoding/json"
	"strings"
)

// nextLink is the next page's link: from the body when
// link_path_in_response_body is set (and no header rel is), else from the
// Link header's rel (default "next").
func (c PaginateConfig) nextLink(resp *Response) string {
	if c.LinkPathInResponseBody != "" && c.LinkRelInResponseHeader == "" {
		var s string
		if v, found := pagePath(resp.Data, c.LinkPathInResponseBody); found && json.Unmarshal(v, &s) == nil {
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
