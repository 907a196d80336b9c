package nango

import "encoding/json"

// GetCheckpoint decodes the function's saved checkpoint into v and reports
// whether there was one.
func GetCheckpoint(v any) (bool, error) {
	var res struct {
		Checkpoint json.RawMessage `json:"checkpoint"`
	}
	if err := call("get_checkpoint", nil, &res); err != nil {
		return false, err
	}
	if len(res.Checkpoint) == 0 || string(res.Checkpoint) == "null" {
		return false, nil
	}
	return true, json.Unmarshal(res.Checkpoint, v)
}

// SaveCheckpoint durably saves checkpoint, a flat object of strings,
// numbers and booleans; the next run of the function resumes from it.
func SaveCheckpoint(checkpoint any) error {
	req := struct {
		Checkpoint any `json:"checkpoint"`
	}{checkpoint}
	return call("save_checkpoint", req, nil)
}

// ClearCheckpoint removes the function's checkpoint.
func ClearCheckpoint() error {
	return call("clear_checkpoint", nil, nil)
}

// GetMetadata decodes the connection's metadata into v.
func GetMetadata(v any) error {
	var res struct {
		Metadata json.RawMessage `json:"metadata"`
	}
	if err := call("get_metadata", nil, &res); err != nil {
		return err
	}
	return json.Unmarshal(res.Metadata, v)
}

// SetMetadata replaces the connection's metadata.
func SetMetadata(metadata any) error {
	return call("set_metadata", metadataRequest{metadata}, nil)
}

// UpdateMetadata merges metadata's top-level keys into the connection's.
func UpdateMetadata(metadata any) error {
	return call("update_metadata", metadataRequest{metadata}, nil)
}

type metadataRequest struct {
	Metadata any `json:"metadata"`
}

// Connection is the connection the execution is scoped to.
type Connection struct {
	ConnectionID      string         `json:"connection_id"`
	ProviderConfigKey string         `json:"provider_config_key"`
	Provider          string         `json:"provider"`
	Environment       string         `json:"environment"`
	ConnectionConfig  map[string]any `json:"connection_config"`
	Metadata          map[string]any `json:"metadata"`
}

// GetConnection returns the connection the execution is scoped to, without
// its credentials.
func GetConnection() (Connection, error) {
	var res struct {
		Connection Connection `json:"connection"`
	}
	err := call("get_connection", nil, &res)
	return res.Connection, err
}
