package server

// DiscardWebhooks makes the server built from cfg answer webhooks after
// verifying them, without storing them: the baseline the receiver's
// benchmark measures the durable inbox against.
func DiscardWebhooks(cfg *Config) { cfg.Inbox.discard = true }
