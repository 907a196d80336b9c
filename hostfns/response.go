package hostfns

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Response is what a function gets back, shaped like axios's.
type Response struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"` // lower-cased names; values joined with ", "
	Data    json.RawMessage   `json:"data"`    // JSON, or a JSON string of text (base64 for arraybuffer); null when empty
}

// readBody reads a response body, decompressing gzip and deflate when the
// transport has not (the function set Accept-Encoding, or decompress is on:
// then a gzip body without Content-Encoding is recognised by its magic
// bytes), and refuses bodies over the size cap.
func (h *HTTP) readBody(resp *http.Response, decompress bool) ([]byte, error) {
	var r io.Reader = resp.Body
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	if enc == "gzip" || enc == "x-gzip" || enc == "deflate" || (decompress && enc == "") {
		br := bufio.NewReader(resp.Body)
		magic, _ := br.Peek(2)
		var err error
		switch {
		case enc == "deflate" && len(magic) == 2 && magic[0]&0x0f == 8 && (uint(magic[0])<<8|uint(magic[1]))%31 == 0:
			r, err = zlib.NewReader(br)
		case enc == "deflate":
			r = flate.NewReader(br)
		case enc != "" || bytes.Equal(magic, []byte{0x1f, 0x8b}):
			r, err = gzip.NewReader(br)
		default:
			r = br
		}
		if err != nil {
			return nil, fmt.Errorf("decompress %s body: %w", cmp.Or(enc, "gzip"), err)
		}
		if r != br {
			resp.Header.Del("Content-Encoding")
			resp.Header.Del("Content-Length")
			resp.ContentLength = -1
		}
	}
	if resp.ContentLength > h.maxBytes {
		return nil, fmt.Errorf("%w: %d bytes, the limit is %d", ErrResponseTooLarge, resp.ContentLength, h.maxBytes)
	}
	size := bytes.MinRead
	if resp.ContentLength > 0 {
		size += int(resp.ContentLength)
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	if _, err := buf.ReadFrom(io.LimitReader(r, h.maxBytes+1)); err != nil {
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(buf.Len()) > h.maxBytes {
		return nil, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, h.maxBytes)
	}
	return buf.Bytes(), nil
}

// decodeData is a body as JSON: parsed when it is JSON (axios parses any
// JSON body, whatever its content type), else a JSON string of its text;
// text keeps it text, arraybuffer base64-encodes it.
func decodeData(body []byte, responseType string) json.RawMessage {
	if len(body) == 0 {
		return json.RawMessage("null")
	}
	switch responseType {
	case "arraybuffer":
		return jsonString(base64.StdEncoding.EncodeToString(body))
	case "text":
		return jsonString(string(body))
	}
	if trimmed := bytes.TrimSpace(body); json.Valid(trimmed) {
		return trimmed
	}
	return jsonString(string(body))
}

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s) // a string always marshals
	return b
}

// flatHeaders lower-cases names and joins repeated values with ", ".
func flatHeaders(h http.Header) map[string]string {
	m := make(map[string]string, len(h))
	for k, vs := range h {
		m[strings.ToLower(k)] = strings.Join(vs, ", ")
	}
	return m
}

// shortBody is a body for an error message: text, at most 200 bytes.
func shortBody(body json.RawMessage) string {
	var s string
	if json.Unmarshal(body, &s) != nil {
		s = string(body)
	}
	if s == "null" {
		return ""
	}
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		cut := 200
		for cut > 0 && (s[cut]&0xC0) == 0x80 {
			cut-- // do not split a UTF-8 sequence
		}
		s = s[:cut] + "…"
	}
	return s
}
