package store

import (
	"fmt"
	"math"
	"time"
)

// Page size limits of the records API.
const (
	DefaultListLimit = 100
	MaxListLimit     = 10000
)

// ListQuery selects a page of changes of one model.
type ListQuery struct {
	Cursor        string    // "" = from the beginning; else changes strictly after this cursor
	Limit         int       // 0 → DefaultListLimit; 1..MaxListLimit valid
	ModifiedAfter time.Time // zero = no filter; else last modified at or after it (as Nango)
	Filter        []Action  // empty = all
	IDs           []string  // empty = all
}

// RecordPage is one page of changes, in cursor order.
type RecordPage struct {
	Records []Record
	// NextCursor is the cursor of the page's last record when more matching
	// changes follow it, "" otherwise.
	NextCursor string
}

// listPlan is a validated ListQuery.
type listPlan struct {
	after    uint64
	limit    int
	modified int64 // Unix nanoseconds; math.MinInt64 = no filter
	actions  [codeDeleted + 1]bool
	anyAct   bool
}

func (q ListQuery) plan() (listPlan, error) {
	p := listPlan{limit: q.Limit, anyAct: len(q.Filter) == 0, modified: math.MinInt64}
	switch {
	case q.Limit == 0:
		p.limit = DefaultListLimit
	case q.Limit < 0 || q.Limit > MaxListLimit:
		return p, fmt.Errorf("limit %d is outside 1..%d: %w", q.Limit, MaxListLimit, ErrInvalidQuery)
	}
	for _, a := range q.Filter {
		switch a {
		case ActionAdded:
			p.actions[codeAdded] = true
		case ActionUpdated:
			p.actions[codeUpdated] = true
		case ActionDeleted:
			p.actions[codeDeleted] = true
		default:
			return p, fmt.Errorf("unknown action %q in filter: %w", a, ErrInvalidQuery)
		}
	}
	switch t := q.ModifiedAfter; {
	case t.IsZero(), t.Before(time.Unix(0, math.MinInt64)):
	case t.After(time.Unix(0, math.MaxInt64)):
		p.modified = math.MaxInt64
	default:
		p.modified = t.UnixNano()
	}
	if q.Cursor != "" {
		seq, err := decodeCursor(q.Cursor)
		if err != nil {
			return p, err
		}
		p.after = seq
	}
	return p, nil
}

func (p *listPlan) match(h *header) bool {
	return h.seq > p.after && (p.anyAct || p.actions[h.action]) && h.modified >= p.modified
}
