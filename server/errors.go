package server

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/store"
)

// apiError is an error with the HTTP status and code a client sees.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return e.Message }

// errorf builds an *apiError.
func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

func badRequest(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "invalid_request", format, args...)
}

// storeError maps the store's sentinels to statuses; anything else is the
// server's fault.
func storeError(err error) *apiError {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return errorf(http.StatusNotFound, "not_found", "%s", err)
	case errors.Is(err, store.ErrExists):
		return errorf(http.StatusConflict, "already_exists", "%s", err)
	case errors.Is(err, store.ErrInUse):
		return errorf(http.StatusConflict, "in_use", "%s", err)
	case errors.Is(err, store.ErrInvalidKey), errors.Is(err, store.ErrInvalidMetadata), errors.Is(err, store.ErrInvalidQuery):
		return errorf(http.StatusBadRequest, "invalid_request", "%s", err)
	}
	return errorf(http.StatusInternalServerError, "internal_error", "%s", err)
}

// handleError is the app's error handler: every failed request answers
// {"error": {"code", "message"}}.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	var ae *apiError
	var fe *fiber.Error
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &fe):
		ae = &apiError{Status: fe.Code, Code: http.StatusText(fe.Code), Message: fe.Message}
		switch fe.Code {
		case http.StatusNotFound:
			ae.Code, ae.Message = "not_found", fmt.Sprintf("no route %s %s", c.Method(), c.Path())
		case http.StatusMethodNotAllowed:
			ae.Code = "method_not_allowed"
		case http.StatusRequestEntityTooLarge:
			ae.Code = "payload_too_large"
		default:
			ae.Code = "invalid_request"
		}
	default:
		ae = storeError(err)
	}
	if ae.Status >= 500 {
		s.log.Error("request failed", "method", c.Method(), "path", c.Path(), "err", err)
	}
	return c.Status(ae.Status).JSON(fiber.Map{"error": fiber.Map{"code": ae.Code, "message": ae.Message}})
}

// pathParam is a route parameter, unescaped after routing so that an id
// may hold any character, "/" included (escaped as %2F). A malformed
// escape is kept as sent.
func pathParam(c *fiber.Ctx, name string) string {
	raw := c.Params(name)
	if v, err := url.PathUnescape(raw); err == nil {
		return v
	}
	return raw
}
