package webhooks

import "testing"

func TestSubscribed(t *testing.T) {
	tests := []struct {
		name          string
		eventType     string
		subscriptions []string
		want          bool
	}{
		{"all", "issues", []string{"*"}, true},
		{"all takes an unknown type", "", []string{"*"}, true},
		{"exact", "contact.creation", []string{"deal.creation", "contact.creation"}, true},
		{"other type", "contact.deletion", []string{"contact.creation"}, false},
		{"case-sensitive", "Issue", []string{"issue"}, false},
		{"no prefix matching", "contact.creation", []string{"contact"}, false},
		{"no pattern matching", "contact.creation", []string{"contact.*"}, false},
		{"no trimming", "issues", []string{" issues"}, false},
		{"an unknown type matches only *", "", []string{""}, false},
		{"no subscriptions", "issues", nil, false},
		{"empty list", "issues", []string{}, false},
		{"* among others", "push", []string{"issues", "*"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := Subscribed(tc.eventType, tc.subscriptions); got != tc.want {
				t.Errorf("Subscribed(%q, %q) = %v, want %v", tc.eventType, tc.subscriptions, got, tc.want)
			}
		})
	}
}
