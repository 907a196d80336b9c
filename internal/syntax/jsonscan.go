package syntax

import "bytes"

// ValueEnd returns the index just past the JSON value that starts at b[i],
// or -1 if none does: b[i] is past the end, whitespace or a closing
// bracket or comma, or a string or container runs off the end of b. It
// finds the end without decoding, for the parsers that cut values out of a
// large document (a page of records, a batch request, a stored record)
// and leave the rest of it alone:
//
//   - a string is skipped whole (StringEnd);
//   - an object or array ends at the bracket that brings the nesting depth
//     back to zero, counting brackets outside strings;
//   - anything else, as a number, true, false or null, runs to the next
//     whitespace or structural character (, } ] " { [).
//
// ValueEnd checks structure, not content. On valid JSON it ends each value
// where encoding/json does. On other input it may claim a slice that is
// not valid JSON ("tru", `{"a" 1}`, "[}"); a caller that needs the value
// valid checks it where it decodes or stores it.
func ValueEnd(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return StringEnd(b, i)
	case '{', '[':
		depth := 0
		for ; i < len(b); i++ {
			switch b[i] {
			case '"':
				end := StringEnd(b, i)
				if end < 0 {
					return -1
				}
				i = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return -1
	}
	start := i
	for i < len(b) && !endsScalar(b[i]) {
		i++
	}
	if i == start {
		return -1
	}
	return i
}

// StringEnd returns the index just past the JSON string that starts at
// b[i] == '"', or -1 if b[i] is not a quote or the string is unterminated.
// It jumps from quote to quote (bytes.IndexByte) and takes the first one
// preceded by an even run of backslashes: records are mostly long strings,
// which a byte-by-byte loop crawled through. Like ValueEnd it does not
// check what is between the quotes (control characters, escapes).
func StringEnd(b []byte, i int) int {
	if i >= len(b) || b[i] != '"' {
		return -1
	}
	for j := i + 1; ; j++ {
		q := bytes.IndexByte(b[j:], '"')
		if q < 0 {
			return -1
		}
		j += q
		escapes := 0
		for k := j - 1; k > i && b[k] == '\\'; k-- {
			escapes++
		}
		if escapes%2 == 0 {
			return j + 1
		}
	}
}

// SkipSpace returns the index of the first byte of b at or after i that
// is not JSON whitespace (space, tab, CR, LF), or len(b).
func SkipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// endsScalar reports whether c cannot be part of a number or literal.
func endsScalar(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', ',', '}', ']', '"', '{', '[':
		return true
	}
	return false
}
