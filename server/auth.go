package server

import (
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// authenticate lets a request through when it carries the secret key as a
// bearer token, or comes from the dashboard: a session cookie and the
// dashboard's header (ui.go).
func (s *Server) authenticate(c *fiber.Ctx) error {
	h := c.Get(fiber.HeaderAuthorization)
	if h == "" && c.Get(uiHeader) != "" {
		if !s.signedIn(c) {
			return errorf(http.StatusUnauthorized, "session_expired", "the dashboard session is missing or has expired: sign in again at /ui/login")
		}
		return c.Next()
	}
	if h == "" {
		return errorf(http.StatusUnauthorized, "missing_auth_header", "authentication needed: send Authorization: Bearer <secret key>")
	}
	scheme, key, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(key) == "" {
		return errorf(http.StatusUnauthorized, "malformed_auth_header", "the Authorization header must be \"Bearer <secret key>\"")
	}
	if !s.cfg.Authorize(strings.TrimSpace(key)) {
		return errorf(http.StatusUnauthorized, "unknown_account", "the secret key is not this server's")
	}
	return c.Next()
}
