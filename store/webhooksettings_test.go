package store

import (
	"context"
	"errors"
	"testing"
)

func TestWebhookSettings(t *testing.T) {
	s, _, path := openTestStore(t)
	ctx := context.Background()
	ws, err := s.WebhookSettings(ctx, "dev")
	if err != nil || ws.Environment != "dev" || len(ws.URLs) != 0 || ws.SigningKey != nil {
		t.Fatalf("never configured: %+v %v", ws, err)
	}
	_, err = s.UpdateWebhookSettings(ctx, "dev", func(ws *WebhookSettings) error {
		ws.URLs, ws.SigningKey = []string{"https://a.example/hook"}, []byte("sealed")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A change keeps what it does not touch.
	_, err = s.UpdateWebhookSettings(ctx, "dev", func(ws *WebhookSettings) error {
		ws.URLs = append(ws.URLs, "https://b.example/hook")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// A failing change changes nothing.
	refuse := errors.New("refused")
	if _, err := s.UpdateWebhookSettings(ctx, "dev", func(ws *WebhookSettings) error {
		ws.URLs = nil
		return refuse
	}); !errors.Is(err, refuse) {
		t.Fatalf("refused change: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ws, err = s.WebhookSettings(ctx, "dev")
	if err != nil || len(ws.URLs) != 2 || ws.URLs[1] != "https://b.example/hook" || string(ws.SigningKey) != "sealed" {
		t.Fatalf("after reopen: %+v %v", ws, err)
	}
	if other, _ := s.WebhookSettings(ctx, "prod"); len(other.URLs) != 0 {
		t.Fatalf("another environment: %+v", other)
	}
}

func TestConnectionWebhookURL(t *testing.T) {
	s, _, _ := openTestStore(t)
	ctx := context.Background()
	createTestConnection(t, s, testConn)
	cases := []struct {
		name, set, want string
	}{
		{"set", "https://conn.example/a", "https://conn.example/a"},
		{"replace", "https://conn.example/b", "https://conn.example/b"},
		{"clear", "", ""},
		{"clear again", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.SetConnectionWebhookURL(ctx, testConn, tc.set); err != nil {
				t.Fatal(err)
			}
			if got, err := s.ConnectionWebhookURL(ctx, testConn); err != nil || got != tc.want {
				t.Fatalf("got %q %v, want %q", got, err, tc.want)
			}
		})
	}
	if _, err := s.ConnectionWebhookURL(ctx, Connection{Environment: "dev"}); !errors.Is(err, ErrInvalidKey) {
		t.Fatalf("incomplete key: %v", err)
	}
}
