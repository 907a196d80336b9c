package server

import (
	"bytes"
	"html"
	"net/http"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/filesystem"
	"github.com/gofiber/fiber/v2/middleware/session"

	"github.com/ferryhq/ferry/ui"
)

// The dashboard (/ui/) is static pages that read the API. A browser
// authenticates with a session: POST /ui/login takes the secret key and
// sets an HttpOnly, SameSite=Strict cookie, which then authenticates API
// requests that also send the uiHeader (a header no cross-site form can
// send). Sessions live in memory: a restart signs everyone out.
const (
	sessionCookie = "ferry_session"
	uiHeader      = "X-Ferry-UI"
	// sessionTTL is how long a dashboard session lasts after sign-in.
	sessionTTL = 12 * time.Hour
)

// newSessions is the dashboard's session store.
func newSessions() *session.Store {
	return session.New(session.Config{
		Expiration:     sessionTTL,
		KeyLookup:      "cookie:" + sessionCookie,
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSameSite: fiber.CookieSameSiteStrictMode,
	})
}

// uiRoutes serves the dashboard: its login, its assets (public: they
// hold no data) and its page, which needs a session.
func (s *Server) uiRoutes(app *fiber.App) {
	app.Get("/ui/login", s.loginPage)
	app.Post("/ui/login", s.login)
	app.Post("/ui/logout", s.logout)
	app.Use("/ui/assets", filesystem.New(filesystem.Config{Root: http.FS(ui.Assets()), PathPrefix: "assets", MaxAge: 300}))
	app.Get("/ui/*", func(c *fiber.Ctx) error {
		if strings.HasPrefix(c.Path(), "/ui/api/") {
			return c.Next() // the API's (ui_api.go), behind authenticate
		}
		if !s.signedIn(c) {
			return c.Redirect("/ui/login", http.StatusSeeOther)
		}
		return sendAsset(c, "index.html")
	})
}

// sendAsset answers with one of the dashboard's pages.
func sendAsset(c *fiber.Ctx, name string) error {
	page, err := ui.Page(name)
	if err != nil {
		return err
	}
	setPageHeaders(c)
	return c.Send(page)
}

// setPageHeaders types a dashboard page and keeps it to its own scripts,
// out of frames and out of caches.
func setPageHeaders(c *fiber.Ctx) {
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Type("html", "utf-8")
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	if s.signedIn(c) {
		return c.Redirect("/ui/", http.StatusSeeOther)
	}
	return sendAsset(c, "login.html")
}

// login is POST /ui/login {secret_key} (a form): with the server's key
// it starts a session and sends the browser to the dashboard; otherwise
// it answers 401 with the login page saying why.
func (s *Server) login(c *fiber.Ctx) error {
	key := strings.TrimSpace(c.FormValue("secret_key"))
	if key == "" || !s.cfg.Authorize(key) {
		page, err := ui.Page("login.html")
		if err != nil {
			return err
		}
		msg := "That is not this server's secret key."
		if key == "" {
			msg = "Enter the server's secret key."
		}
		alert := `<p class="error" id="login-error" role="alert">` + html.EscapeString(msg) + `</p>`
		page = bytes.Replace(page, []byte("<!--error-->"), []byte(alert), 1)
		setPageHeaders(c)
		return c.Status(http.StatusUnauthorized).Send(page)
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return err
	}
	// A new id at sign-in: an id planted before it is worth nothing.
	if err := sess.Regenerate(); err != nil {
		return err
	}
	sess.Set("signed_in", true)
	if err := sess.Save(); err != nil {
		return err
	}
	if c.Protocol() == "https" {
		secureCookie(c, sess.ID())
	}
	return c.Redirect("/ui/", http.StatusSeeOther)
}

// secureCookie sets the session cookie again, as HTTPS-only.
func secureCookie(c *fiber.Ctx, id string) {
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: id, Path: "/", Expires: time.Now().Add(sessionTTL),
		Secure: true, HTTPOnly: true, SameSite: fiber.CookieSameSiteStrictMode,
	})
}

// logout is POST /ui/logout: it ends the session.
func (s *Server) logout(c *fiber.Ctx) error {
	if sess, err := s.sessions.Get(c); err == nil {
		if err := sess.Destroy(); err != nil {
			return err
		}
	}
	return c.Redirect("/ui/login", http.StatusSeeOther)
}

// signedIn reports whether the request carries a live dashboard session.
func (s *Server) signedIn(c *fiber.Ctx) bool {
	if c.Cookies(sessionCookie) == "" {
		return false
	}
	sess, err := s.sessions.Get(c)
	if err != nil {
		return false
	}
	ok, _ := sess.Get("signed_in").(bool)
	return ok
}
