package store

import (
	"bytes"
	"encoding/json"

	"github.com/ferryhq/ferry/internal/syntax"
)

// mergeJSON appends the deep merge of patch into base to out. Both are
// compact, valid JSON. Objects merge member by member, recursively: base's
// members keep their order, patch's new members follow in patch order.
// Anything else in patch — arrays, scalars, null — replaces what base had.
func mergeJSON(out, base, patch []byte) []byte {
	if base[0] != '{' || patch[0] != '{' {
		return append(out, patch...)
	}
	type member struct {
		raw, val []byte
		used     bool
	}
	var pm []member
	last := make(map[string]int) // decoded key → index of its last occurrence in pm
	eachMember(patch, func(k, v []byte) {
		last[memberKey(k)] = len(pm)
		pm = append(pm, member{raw: k, val: v})
	})

	out = append(out, '{')
	n := 0
	eachMember(base, func(k, v []byte) {
		if n > 0 {
			out = append(out, ',')
		}
		n++
		out = append(out, k...)
		out = append(out, ':')
		if j, ok := last[memberKey(k)]; ok {
			pm[j].used = true
			out = mergeJSON(out, v, pm[j].val)
			return
		}
		out = append(out, v...)
	})
	for j, m := range pm {
		if m.used || last[memberKey(m.raw)] != j {
			continue
		}
		if n > 0 {
			out = append(out, ',')
		}
		n++
		out = append(out, m.raw...)
		out = append(out, ':')
		out = append(out, m.val...)
	}
	return append(out, '}')
}

// eachMember calls fn with the quoted key and the value of every member of
// the compact JSON object obj, in order.
func eachMember(obj []byte, fn func(key, val []byte)) {
	for i := 1; i < len(obj)-1; {
		keyEnd := syntax.StringEnd(obj, i)
		valEnd := syntax.ValueEnd(obj, keyEnd+1)
		if keyEnd < 0 || valEnd < 0 {
			return // unreachable: obj is valid
		}
		fn(obj[i:keyEnd], obj[keyEnd+1:valEnd])
		i = valEnd + 1
	}
}

// memberKey decodes a quoted key of valid JSON.
func memberKey(quoted []byte) string {
	return keyName(quoted, bytes.IndexByte(quoted, '\\') >= 0)
}

// keyName returns the text of a quoted JSON string that scanned valid; only
// an escaped one pays for a decode.
func keyName(quoted []byte, escaped bool) string {
	if !escaped {
		return string(quoted[1 : len(quoted)-1])
	}
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return "" // unreachable: the scanner accepted it
	}
	return s
}
