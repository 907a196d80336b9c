package server

import (
	"io"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// streamAbove is the body size past which fiber hands a request's body
// over as a stream instead of reading it first.
const streamAbove = 1 << 20

// drainAbove caps what is read of a body refused for its size; past it
// the connection is closed unread.
const drainAbove = 64 << 20

// limitBody reads the body of every request but the proxy's, up to
// Config.BodyLimit (webhooks: maxWebhookBody; 413 past it), so that
// handlers see it whole; the proxy streams its bodies to the upstream,
// whatever their size.
func (s *Server) limitBody(c *fiber.Ctx) error {
	stream := c.Request().BodyStream()
	if stream == nil || strings.HasPrefix(c.Path(), "/proxy/") {
		return c.Next()
	}
	limit := s.cfg.BodyLimit
	if strings.HasPrefix(c.Path(), "/webhook/") {
		limit = maxWebhookBody
	}
	body, err := io.ReadAll(io.LimitReader(stream, int64(limit)+1))
	if err != nil {
		return badRequest("read the request body: %v", err)
	}
	if len(body) > limit {
		// Read on (up to a cap) before answering: closing a connection
		// with unread data resets it, and the client would never see the
		// 413.
		_, _ = io.CopyN(io.Discard, stream, drainAbove)
		return errorf(http.StatusRequestEntityTooLarge, "payload_too_large", "the request body is over the %d-byte limit", limit)
	}
	c.Request().SetBody(body)
	return c.Next()
}
