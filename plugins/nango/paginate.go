package nango

import (
	"encoding/json"
	"fmt"
)

// PaginateConfig tells how an API pages; it is merged over the provider's
// defaults by the host. Type is "cursor", "link" or "offset".
type PaginateConfig struct {
	Type                    string `json:"type,omitempty"`
	Limit                   *int   `json:"limit,omitempty"`
	LimitNameInRequest      string `json:"limit_name_in_request,omitempty"`
	ResponsePath            string `json:"response_path,omitempty"`
	InBody                  *bool  `json:"in_body,omitempty"`
	CursorPathInResponse    string `json:"cursor_path_in_response,omitempty"`
	CursorNameInRequest     string `json:"cursor_name_in_request,omitempty"`
	LinkRelInResponseHeader string `json:"link_rel_in_response_header,omitempty"`
	LinkPathInResponseBody  string `json:"link_path_in_response_body,omitempty"`
	OffsetNameInRequest     string `json:"offset_name_in_request,omitempty"`
	OffsetStartValue        *int   `json:"offset_start_value,omitempty"`
	OffsetCalculationMethod string `json:"offset_calculation_method,omitempty"`
}

// pageRequest and pageAnswer are the paginate host function's JSON. State
// is opaque to the guest: it hands back what the host gave it.
type pageRequest struct {
	Config ProxyConfig     `json:"config"`
	State  json.RawMessage `json:"state,omitempty"`
}

type pageAnswer struct {
	Records []json.RawMessage `json:"records"`
	Next    json.RawMessage   `json:"next"`
}

// Paginate calls fn with each page of records of type T, following the
// pagination cfg.Paginate describes, until the API has no more pages or fn
// returns an error.
func Paginate[T any](cfg ProxyConfig, fn func(page []T) error) error {
	req := pageRequest{Config: cfg}
	for {
		var answer pageAnswer
		if err := call("paginate", req, &answer); err != nil {
			return err
		}
		page := make([]T, len(answer.Records))
		for i, raw := range answer.Records {
			if err := json.Unmarshal(raw, &page[i]); err != nil {
				return fmt.Errorf("paginate: decode record %d: %w", i, err)
			}
		}
		if err := fn(page); err != nil {
			return err
		}
		if len(answer.Next) == 0 || string(answer.Next) == "null" {
			return nil
		}
		req.State = answer.Next
	}
}
