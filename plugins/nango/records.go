package nango

import (
	"encoding/json"
	"fmt"
)

// BatchSave upserts records (a slice of structs or maps, each with an "id")
// of the given model. Records identical to the stored ones change nothing.
// It returns once the records are validated; the host writes them while
// the function goes on, and before any later checkpoint or record read.
func BatchSave(records any, model string) error {
	return batch("batch_save", records, model)
}

// BatchUpdate deep-merges partial records (each with an "id") into stored
// ones of the given model.
func BatchUpdate(partials any, model string) error {
	return batch("batch_update", partials, model)
}

// BatchDelete marks records (each with at least an "id") of the given model
// as deleted.
func BatchDelete(records any, model string) error {
	return batch("batch_delete", records, model)
}

// batch sends {"model":…,"records":…}. The records are encoded once (or
// passed through when already JSON) and spliced in: encoding them inside a
// wrapper would make encoding/json validate the whole payload a second
// time, which in Wasm costs more than the rest of the call.
func batch(name string, records any, model string) error {
	body, err := recordsJSON(records)
	if err != nil {
		return fmt.Errorf("%s: encode records: %w", name, err)
	}
	quoted, _ := json.Marshal(model)
	req := make([]byte, 0, len(body)+len(quoted)+24)
	req = append(req, `{"model":`...)
	req = append(req, quoted...)
	req = append(req, `,"records":`...)
	req = append(req, body...)
	req = append(req, '}')
	return callRaw(name, req, nil)
}

// recordsJSON returns records as a JSON array: as is when it already is
// JSON (json.RawMessage or []byte), else encoded.
func recordsJSON(records any) ([]byte, error) {
	switch r := records.(type) {
	case json.RawMessage:
		return r, nil
	case []byte:
		return r, nil
	}
	return json.Marshal(records)
}

// GetRecordsByIds returns the stored records of model with the given ids,
// keyed by id; ids with no record are absent.
func GetRecordsByIds[T any](ids []string, model string) (map[string]T, error) {
	req := struct {
		Model string   `json:"model"`
		IDs   []string `json:"ids"`
	}{model, ids}
	var res struct {
		Records map[string]json.RawMessage `json:"records"`
	}
	if err := call("get_records_by_ids", req, &res); err != nil {
		return nil, err
	}
	out := make(map[string]T, len(res.Records))
	for id, raw := range res.Records {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			return nil, fmt.Errorf("get_records_by_ids: decode record %q: %w", id, err)
		}
		out[id] = v
	}
	return out, nil
}
