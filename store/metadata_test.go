package store

import (
	"context"
	"reflect"
	"testing"
)

func TestMetadata(t *testing.T) {
	type op struct {
		merge bool
		md    map[string]any
	}
	tests := []struct {
		name string
		ops  []op
		want map[string]any
	}{
		{"none", nil, map[string]any{}},
		{"set", []op{{false, map[string]any{"a": "x", "n": 1, "o": map[string]any{"k": true}}}},
			map[string]any{"a": "x", "n": 1.0, "o": map[string]any{"k": true}}},
		{"set replaces", []op{{false, map[string]any{"a": 1, "b": 2}}, {false, map[string]any{"c": 3}}},
			map[string]any{"c": 3.0}},
		{"set nil clears", []op{{false, map[string]any{"a": 1}}, {false, nil}}, map[string]any{}},
		{"update merges top-level keys", []op{
			{false, map[string]any{"a": 1, "o": map[string]any{"x": 1, "y": 2}}},
			{true, map[string]any{"b": 2, "o": map[string]any{"z": 3}}},
		}, map[string]any{"a": 1.0, "b": 2.0, "o": map[string]any{"z": 3.0}}},
		{"update with nothing stored", []op{{true, map[string]any{"a": []any{1, "x"}}}}, map[string]any{"a": []any{1.0, "x"}}},
		{"update with nothing", []op{{false, map[string]any{"a": 1}}, {true, nil}, {true, map[string]any{}}}, map[string]any{"a": 1.0}},
		{"update to null", []op{{false, map[string]any{"a": 1}}, {true, map[string]any{"a": nil}}}, map[string]any{"a": nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := openTestStore(t)
			ctx := context.Background()
			other := Connection{"dev", "github", "conn-2"}
			if err := s.SetMetadata(ctx, other, map[string]any{"other": true}); err != nil {
				t.Fatal(err)
			}
			for _, o := range tc.ops {
				var err error
				if o.merge {
					err = s.UpdateMetadata(ctx, testConn, o.md)
				} else {
					err = s.SetMetadata(ctx, testConn, o.md)
				}
				if err != nil {
					t.Fatal(err)
				}
			}
			got, err := s.Metadata(ctx, testConn)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Metadata = %#v, want %#v", got, tc.want)
			}
			if got, _ := s.Metadata(ctx, other); !reflect.DeepEqual(got, map[string]any{"other": true}) {
				t.Errorf("other connection's metadata = %v", got)
			}
		})
	}
}
