package hostfns

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/ferryhq/ferry/internal/syntax"
)

// templateScope resolves the ${…} names of provider templates (base URL,
// headers, query) for one connection:
//
//	${apiKey} ${accessToken} ${username} ${password}   the credentials
//	${credentials.x.y}                                 any credential field
//	${connectionConfig.x.y}                            the connection config
//	${base64(${username}:${password})}                 base64 of a template
//
// A bare name other than the four above is looked up in the raw
// credentials, as Nango does. A template may list alternatives separated by
// "||" outside any ${…} ("${connectionConfig.version} || 2022-11-28"): the
// first that resolves wins.
type templateScope struct {
	creds  *Credentials // nil: the target has no credentials
	config map[string]any
}

// expand resolves every ${…} in s, trying its "||" alternatives in order.
// secret reports whether a credential went into the result; when no
// alternative resolves, the error is the last one's, an ErrTemplate naming
// the missing value. As in Nango, "||" separates alternatives only in a
// template that holds a ${…}: other text is used as written.
func (sc templateScope) expand(s string) (out string, secret bool, err error) {
	if !strings.Contains(s, "${") {
		return s, false, nil
	}
	alts := alternatives(s)
	if len(alts) == 1 {
		return sc.expandOne(s)
	}
	for _, alt := range alts {
		if out, secret, err = sc.expandOne(strings.TrimSpace(alt)); err == nil {
			return out, secret, nil
		}
	}
	return "", false, err
}

// alternatives splits s at each "||" outside a ${…}. An unclosed ${ leaves
// the rest of s in the last alternative, for expandOne to report.
func alternatives(s string) []string {
	var alts []string
	start := 0
	for i := 0; i < len(s)-1; i++ {
		switch {
		case s[i] == '$' && s[i+1] == '{':
			end := closingBrace(s, i+1)
			if end < 0 {
				return append(alts, s[start:])
			}
			i = end
		case s[i] == '|' && s[i+1] == '|':
			alts = append(alts, s[start:i])
			start = i + 2
			i++
		}
	}
	return append(alts, s[start:])
}

// expandOne resolves every ${…} in a template without alternatives.
func (sc templateScope) expandOne(s string) (out string, secret bool, err error) {
	if !strings.Contains(s, "${") {
		return s, false, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), secret, nil
		}
		b.WriteString(s[:i])
		end := closingBrace(s, i+1)
		if end < 0 {
			return "", false, fmt.Errorf("%w: %q has an unclosed ${", ErrTemplate, s)
		}
		v, sec, err := sc.eval(strings.TrimSpace(s[i+2 : end]))
		if err != nil {
			return "", false, err
		}
		b.WriteString(v)
		secret = secret || sec
		s = s[end+1:]
	}
}

// eval resolves one expression: a name or base64(template).
func (sc templateScope) eval(expr string) (string, bool, error) {
	if inner, ok := strings.CutPrefix(expr, "base64("); ok && strings.HasSuffix(inner, ")") {
		v, secret, err := sc.expand(strings.TrimSuffix(inner, ")"))
		return base64.StdEncoding.EncodeToString([]byte(v)), secret, err
	}
	if path, ok := strings.CutPrefix(expr, "connectionConfig."); ok {
		if v, ok := stringAt(sc.config, path); ok {
			return v, false, nil
		}
		return "", false, fmt.Errorf("%w: ${%s}: the connection config has no %q", ErrTemplate, expr, path)
	}
	if sc.creds == nil {
		return "", false, fmt.Errorf("%w: ${%s}: the call has no credentials", ErrTemplate, expr)
	}
	c, field := sc.creds, strings.TrimPrefix(expr, "credentials.")
	var v string
	switch field {
	case "apiKey", "api_key":
		v = c.APIKey
	case "accessToken", "access_token", "token":
		v = c.AccessToken
	case "username":
		v = c.Username
	case "password":
		v = c.Password
	}
	if v == "" {
		v, _ = stringAt(c.Raw, field)
	}
	if v == "" && field != "password" {
		return "", false, fmt.Errorf("%w: ${%s}: the credentials have no %q", ErrTemplate, expr, field)
	}
	return v, true, nil
}

// closingBrace returns the index of the } closing the { at open, or -1.
func closingBrace(s string, open int) int {
	depth := 0
	for i := open; i < len(s); i++ {
		switch s[i] {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// stringAt returns the non-empty scalar at a dotted path in decoded JSON-like
// values, as text.
func stringAt(root map[string]any, path string) (string, bool) {
	var cur any = root
	for _, seg := range splitPath(path) {
		switch v := cur.(type) {
		case map[string]any:
			cur = v[seg]
		case map[string]string:
			cur = v[seg]
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(v) {
				return "", false
			}
			cur = v[i]
		default:
			return "", false
		}
	}
	var s string
	switch v := cur.(type) {
	case string:
		s = v
	case json.Number:
		s = v.String()
	case float64:
		s = strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		s = strconv.Itoa(v)
	case int64:
		s = strconv.FormatInt(v, 10)
	case bool:
		s = strconv.FormatBool(v)
	}
	return s, s != ""
}

// jsonPath returns the value at a dotted path in a JSON document: "a.b",
// "a.0.b" or "a[0].b" (array index), "" for the document itself. found is
// false when a step is missing or the document is not valid JSON there.
// A top-level key that is the whole path wins over the steps, as in
// lodash's get, which Nango uses: Microsoft Graph's "@odata.nextLink" is
// one key.
func jsonPath(doc json.RawMessage, path string) (v json.RawMessage, found bool) {
	cur := bytes.TrimSpace(doc)
	segs := splitPath(path)
	if len(segs) == 0 {
		if len(cur) == 0 || !json.Valid(cur) {
			return nil, false
		}
		return cur, true
	}
	for step, seg := range segs {
		switch syntax.JSONKind(cur) {
		case "object":
			var m map[string]json.RawMessage
			if json.Unmarshal(cur, &m) != nil {
				return nil, false
			}
			if whole, ok := m[path]; ok && step == 0 && len(segs) > 1 {
				return whole, len(whole) > 0
			}
			next, ok := m[seg]
			if !ok {
				return nil, false
			}
			cur = next
		case "array":
			i, err := strconv.Atoi(seg)
			var items []json.RawMessage
			if err != nil || i < 0 || json.Unmarshal(cur, &items) != nil || i >= len(items) {
				return nil, false
			}
			cur = items[i]
		default:
			return nil, false
		}
	}
	return cur, len(cur) > 0
}

// bracketIndex rewrites a[0] as a.0.
var bracketIndex = strings.NewReplacer("[", ".", "]", "")

// splitPath splits "a.b[0].c" into a, b, 0, c.
func splitPath(path string) []string {
	path = bracketIndex.Replace(path)
	return strings.FieldsFunc(path, func(r rune) bool { return r == '.' })
}
