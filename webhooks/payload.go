package webhooks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/url"
)

// formMediaType is the media type of HTML form bodies (Slack's slash
// commands and interactivity).
const formMediaType = "application/x-www-form-urlencoded"

// Payload is the event r carries, as JSON:
//
//   - a body whose Content-Type is application/x-www-form-urlencoded
//     becomes a JSON object with a member per field (keys sorted): the
//     field's value as a string, or an array of its values in order when
//     the field is repeated. A single field named "payload" whose value is
//     JSON (Slack's interactivity and shortcuts) holds that JSON value
//     decoded instead of the string: `payload=%7B%22type%22%3A1%7D` →
//     {"payload":{"type":1}}. An empty form is {}.
//   - any other body that is valid JSON (any Content-Type: providers
//     differ) is returned as it is, byte for byte.
//   - anything else (empty, text, XML, a malformed form) is an error
//     wrapping ErrUnsupportedBody.
func Payload(r Request) (json.RawMessage, error) {
	ct := r.Header.Get("Content-Type")
	if mt, _, err := mime.ParseMediaType(ct); err == nil && mt == formMediaType {
		return formPayload(r.Body)
	}
	switch {
	case len(bytes.TrimSpace(r.Body)) == 0:
		return nil, fmt.Errorf("%w: the body is empty", ErrUnsupportedBody)
	case !json.Valid(r.Body):
		return nil, fmt.Errorf("%w: the body (Content-Type %q) is neither JSON nor %s", ErrUnsupportedBody, ct, formMediaType)
	}
	return json.RawMessage(r.Body), nil
}

// formPayload turns a form body into a JSON object.
func formPayload(body []byte) (json.RawMessage, error) {
	values, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, fmt.Errorf("%w: malformed %s body: %v", ErrUnsupportedBody, formMediaType, err)
	}
	obj := make(map[string]any, len(values))
	for k, vs := range values {
		switch {
		case len(vs) > 1:
			obj[k] = vs
		case k == "payload" && json.Valid([]byte(vs[0])):
			obj[k] = json.RawMessage(vs[0])
		default:
			obj[k] = vs[0]
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep <, > and & as the provider sent them
	if err := enc.Encode(obj); err != nil {
		return nil, fmt.Errorf("%w: encode the form as JSON: %v", ErrUnsupportedBody, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
