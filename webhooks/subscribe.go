package webhooks

// Subscribed reports whether a sync whose webhookSubscriptions are
// subscriptions takes an event of type eventType: "*" takes every event,
// including one whose type is unknown (empty); any other entry takes the
// events of exactly that type (case-sensitive, as in Nango).
func Subscribed(eventType string, subscriptions []string) bool {
	for _, s := range subscriptions {
		if s == "*" || (eventType != "" && s == eventType) {
			return true
		}
	}
	return false
}
