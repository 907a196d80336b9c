package server

import (
	"encoding/json"
	"time"

	"github.com/ferryhq/ferry/store"
)

// deliveryView is a webhook delivery as the API shows it.
type deliveryView struct {
	ID                string             `json:"id"`
	CreatedAt         time.Time          `json:"created_at"`
	Type              string             `json:"type"`
	ProviderConfigKey string             `json:"provider_config_key,omitempty"`
	ConnectionID      string             `json:"connection_id,omitempty"`
	URL               string             `json:"url"`
	Status            store.OutboxStatus `json:"status"`
	Attempts          []attemptView      `json:"attempts"`
	NextAttemptAt     *time.Time         `json:"next_attempt_at"` // null unless pending
	Body              json.RawMessage    `json:"body"`
}

// attemptView is one delivery attempt.
type attemptView struct {
	At         time.Time `json:"at"`
	StatusCode *int      `json:"status_code"` // null: no HTTP answer
	Error      string    `json:"error,omitempty"`
	Response   string    `json:"response,omitempty"`
	DurationMS float64   `json:"duration_ms"`
}

func newDeliveryView(e store.OutboxEntry) deliveryView {
	v := deliveryView{
		ID: e.ID, CreatedAt: e.CreatedAt, Type: e.Type, ProviderConfigKey: e.ProviderConfigKey,
		ConnectionID: e.ConnectionID, URL: e.URL, Status: e.Status,
		Attempts: make([]attemptView, len(e.Attempts)),
		Body:     e.Body,
	}
	if !e.NextAttemptAt.IsZero() {
		v.NextAttemptAt = &e.NextAttemptAt
	}
	if !json.Valid(e.Body) { // enqueued by another writer than the outbox: show it as text
		v.Body, _ = json.Marshal(string(e.Body))
	}
	for i, a := range e.Attempts {
		av := attemptView{At: a.At, Error: a.Error, Response: a.Response, DurationMS: float64(a.Duration.Microseconds()) / 1000}
		if a.StatusCode != 0 {
			av.StatusCode = &a.StatusCode
		}
		v.Attempts[i] = av
	}
	return v
}
