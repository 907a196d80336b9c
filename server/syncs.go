package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/schedule"
	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/syncs"
)

// syncRoutes adds the sync control API (Nango's /sync/... paths),
// ferry's executions API and the replay of received webhooks, which run
// through the sync engine.
func (s *Server) syncRoutes(api fiber.Router) {
	api.Post("/sync/trigger", s.triggerSyncs)
	api.Post("/sync/pause", s.controlSyncs((*syncs.Engine).Pause))
	api.Post("/sync/start", s.controlSyncs((*syncs.Engine).Resume))
	api.Get("/sync/status", s.syncStatus)
	api.Put("/sync/update-connection-frequency", s.updateSyncFrequency)
	api.Get("/syncs", s.listSyncs)
	api.Get("/executions", s.listExecutions)
	api.Get("/executions/:id", s.getExecution)
	api.Get("/logs/operations", s.listOperations) // the operations log (operations.go)
	api.Get("/logs/operations/:id", s.getOperation)
	api.Get("/logs/operations/:id/messages", s.operationMessages)
	api.Post("/webhooks/inbox/:id/replay", s.replayWebhook) // the dispatcher's (webhookdispatch.go)
}

// newSyncEngine builds the sync engine over the server's functions and
// connections; nil without a host.
func (s *Server) newSyncEngine() (*syncs.Engine, error) {
	if s.cfg.Host == nil {
		return nil, nil
	}
	cfg := syncs.Config{
		Store: s.cfg.Store, Functions: syncFunctions{s}, Targets: syncTargets{s}, HTTP: s.http,
		Environment: s.cfg.Environment, Logger: s.log,
		MaxConcurrentRuns: s.cfg.Syncs.MaxConcurrentRuns, RunTimeout: s.cfg.Syncs.RunTimeout, CatchUpWindow: s.cfg.Syncs.CatchUpWindow,
		Retention: s.cfg.Syncs.LogRetention,
	}
	if s.cfg.Outbox != nil {
		cfg.Webhooks = s.cfg.Outbox
	}
	if s.cfg.Metrics != nil { // a nil *Metrics in the interface would not be nil
		cfg.Metrics = s.cfg.Metrics
	}
	if s.cfg.Tracer != nil {
		cfg.Exporter = s.cfg.Tracer
	}
	return syncs.New(cfg)
}

// syncFunctions gives the sync engine the server's loaded functions.
type syncFunctions struct{ s *Server }

func (a syncFunctions) Acquire(ctx context.Context, k store.FunctionKey) (syncs.Function, error) {
	lf, err := a.s.functions.acquire(ctx, k)
	if err != nil {
		return syncs.Function{}, err
	}
	var m bundle.Manifest
	if err := json.Unmarshal(lf.version.Manifest, &m); err != nil {
		lf.runs.Done()
		return syncs.Function{}, err
	}
	return syncs.Function{Version: lf.version, Manifest: m, Bundle: lf.bundle, Release: lf.runs.Done}, nil
}

// syncTargets gives the sync engine the server's connections, with their
// credentials refreshed on use.
type syncTargets struct{ s *Server }

func (a syncTargets) Target(ctx context.Context, conn store.Connection) (hostfns.Target, error) {
	t, _, err := a.s.target(ctx, conn)
	return t, err
}

var errNoSyncs = errorf(http.StatusServiceUnavailable, "syncs_disabled", "this server runs no syncs (no host configured)")

// syncError maps the engine's errors to answers.
func syncError(err error) error {
	switch {
	case errors.Is(err, syncs.ErrUnknownSync):
		return errorf(http.StatusNotFound, "unknown_sync", "%s", err)
	case errors.Is(err, schedule.ErrInvalidFrequency):
		return errorf(http.StatusBadRequest, "invalid_frequency", "%s", err)
	case errors.Is(err, syncs.ErrStopped):
		return errorf(http.StatusServiceUnavailable, "shutting_down", "%s", err)
	}
	return storeError(err)
}

// syncNames reads Nango's "syncs" member: names, or {name, variant}
// objects.
type syncNames []string

func (n *syncNames) UnmarshalJSON(b []byte) error {
	var raw []json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return errors.New("syncs must be an array of sync names")
	}
	for _, r := range raw {
		var name string
		if json.Unmarshal(r, &name) == nil {
			*n = append(*n, name)
			continue
		}
		var obj struct {
			Name    string `json:"name"`
			Variant string `json:"variant"`
		}
		if err := json.Unmarshal(r, &obj); err != nil || obj.Name == "" {
			return errors.New("each sync must be a name or {name, variant}")
		}
		if obj.Variant != "" && obj.Variant != "base" {
			return errors.New("sync variants are not supported: use the base variant")
		}
		*n = append(*n, obj.Name)
	}
	return nil
}

// syncSelection is the body of /sync/trigger, /sync/pause and /sync/start.
type syncSelection struct {
	Syncs             syncNames `json:"syncs"`
	ProviderConfigKey string    `json:"provider_config_key"`
	ConnectionID      string    `json:"connection_id"`
	FullResync        bool      `json:"full_resync"`
	SyncMode          string    `json:"sync_mode"`
	Opts              struct {
		Reset      bool `json:"reset"`
		EmptyCache bool `json:"emptyCache"`
	} `json:"opts"`
}

// readSelection decodes and checks a sync selection; the integration and
// connection may come as headers too, as Nango accepts.
func (s *Server) readSelection(c *fiber.Ctx) (syncSelection, syncs.Selection, error) {
	var body syncSelection
	if err := decodeBody(c, &body); err != nil {
		return body, syncs.Selection{}, err
	}
	if body.ProviderConfigKey == "" {
		body.ProviderConfigKey = strings.Clone(c.Get("Provider-Config-Key"))
	}
	if body.ConnectionID == "" {
		body.ConnectionID = strings.Clone(c.Get("Connection-Id"))
	}
	switch {
	case body.ProviderConfigKey == "":
		return body, syncs.Selection{}, badRequest("provider_config_key is required")
	case len(body.Syncs) == 0:
		return body, syncs.Selection{}, badRequest("syncs is required: a list of sync names, or [\"*\"] for all")
	}
	if _, err := s.cfg.Store.GetIntegration(c.UserContext(), s.cfg.Environment, body.ProviderConfigKey); err != nil {
		return body, syncs.Selection{}, storeError(err)
	}
	return body, syncs.Selection{Integration: body.ProviderConfigKey, ConnectionID: body.ConnectionID, Syncs: body.Syncs}, nil
}

// triggerSyncs is POST /sync/trigger.
func (s *Server) triggerSyncs(c *fiber.Ctx) error {
	if s.syncs == nil {
		return errNoSyncs
	}
	body, sel, err := s.readSelection(c)
	if err != nil {
		return err
	}
	opts := syncs.TriggerOptions{Reset: body.Opts.Reset || body.FullResync, EmptyCache: body.Opts.EmptyCache}
	switch body.SyncMode {
	case "", "incremental":
	case "full_refresh":
		opts.Reset = true
	case "full_refresh_and_clear_cache":
		opts.Reset, opts.EmptyCache = true, true
	default:
		return badRequest("sync_mode %q is not one of incremental, full_refresh, full_refresh_and_clear_cache", body.SyncMode)
	}
	if err := s.syncs.Trigger(c.UserContext(), sel, opts); err != nil {
		return syncError(err)
	}
	return c.JSON(fiber.Map{"success": true})
}

// controlSyncs is POST /sync/pause and /sync/start.
func (s *Server) controlSyncs(op func(*syncs.Engine, context.Context, syncs.Selection) error) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if s.syncs == nil {
			return errNoSyncs
		}
		_, sel, err := s.readSelection(c)
		if err != nil {
			return err
		}
		if err := op(s.syncs, c.UserContext(), sel); err != nil {
			return syncError(err)
		}
		return c.JSON(fiber.Map{"success": true})
	}
}

// syncStatus is GET /sync/status?syncs=a,b|*&provider_config_key&connection_id.
func (s *Server) syncStatus(c *fiber.Ctx) error {
	if s.syncs == nil {
		return errNoSyncs
	}
	pck, err := providerConfigKey(c)
	if err != nil {
		return err
	}
	names := strings.Clone(c.Query("syncs"))
	if names == "" {
		return badRequest("the syncs query parameter is required: comma-separated sync names, or * for all")
	}
	if _, err := s.cfg.Store.GetIntegration(c.UserContext(), s.cfg.Environment, pck); err != nil {
		return storeError(err)
	}
	sel := syncs.Selection{Integration: strings.Clone(pck), ConnectionID: strings.Clone(c.Query("connection_id")), Syncs: splitList(names)}
	list, err := s.syncs.Status(c.UserContext(), sel)
	if err != nil {
		return syncError(err)
	}
	return c.JSON(fiber.Map{"syncs": list})
}

// listSyncs is GET /syncs (ferry's): every sync of every connection,
// optionally of one integration and connection.
func (s *Server) listSyncs(c *fiber.Ctx) error {
	if s.syncs == nil {
		return errNoSyncs
	}
	ctx := c.UserContext()
	var integrations []string
	if pck := c.Query("provider_config_key"); pck != "" {
		if _, err := s.cfg.Store.GetIntegration(ctx, s.cfg.Environment, pck); err != nil {
			return storeError(err)
		}
		integrations = []string{strings.Clone(pck)}
	} else {
		list, err := s.cfg.Store.ListIntegrations(ctx, s.cfg.Environment)
		if err != nil {
			return storeError(err)
		}
		for _, it := range list {
			integrations = append(integrations, it.UniqueKey)
		}
	}
	out := []syncs.Status{}
	for _, pck := range integrations {
		list, err := s.syncs.Status(ctx, syncs.Selection{Integration: pck, ConnectionID: strings.Clone(c.Query("connection_id"))})
		if err != nil {
			return syncError(err)
		}
		out = append(out, list...)
	}
	return c.JSON(fiber.Map{"syncs": out})
}

// updateSyncFrequency is PUT /sync/update-connection-frequency
// {sync_name, sync_variant?, provider_config_key, connection_id,
// frequency: string|null}.
func (s *Server) updateSyncFrequency(c *fiber.Ctx) error {
	if s.syncs == nil {
		return errNoSyncs
	}
	var body struct {
		SyncName          string  `json:"sync_name"`
		SyncVariant       string  `json:"sync_variant"`
		ProviderConfigKey string  `json:"provider_config_key"`
		ConnectionID      string  `json:"connection_id"`
		Frequency         *string `json:"frequency"`
	}
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	switch {
	case body.SyncName == "" || body.ProviderConfigKey == "" || body.ConnectionID == "":
		return badRequest("sync_name, provider_config_key and connection_id are required")
	case body.SyncVariant != "" && body.SyncVariant != "base":
		return badRequest("sync variants are not supported: use the base variant")
	}
	freq := ""
	if body.Frequency != nil {
		if freq = strings.TrimSpace(*body.Frequency); freq == "" {
			return badRequest("frequency must be a frequency such as \"every 30 minutes\", or null for the sync's own")
		}
	}
	key := store.SyncKey{Connection: s.connectionKey(body.ProviderConfigKey, body.ConnectionID), Sync: body.SyncName}
	got, err := s.syncs.SetFrequency(c.UserContext(), key, freq)
	if err != nil {
		return syncError(err)
	}
	return c.JSON(fiber.Map{"frequency": got})
}

// splitList splits a comma-separated parameter, dropping blanks.
func splitList(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// syncDeployed tells the sync engine of a deployed (or re-activated)
// function; it only cares about syncs.
func (s *Server) syncDeployed(ctx context.Context, v store.FunctionVersion) {
	if s.syncs == nil || v.Type != string(bundle.TypeSync) {
		return
	}
	if err := s.syncs.Deployed(context.WithoutCancel(ctx), v); err != nil {
		s.log.Error("plan deployed sync", "function", v.FunctionKey.String(), "err", err)
	}
}

// syncRemoved tells the sync engine of a deleted function.
func (s *Server) syncRemoved(ctx context.Context, k store.FunctionKey) {
	if s.syncs == nil {
		return
	}
	if err := s.syncs.Removed(context.WithoutCancel(ctx), k); err != nil {
		s.log.Error("unplan deleted function", "function", k.String(), "err", err)
	}
}

// connectionAdded starts the auto-starting syncs of a new connection.
func (s *Server) connectionAdded(ctx context.Context, conn store.Connection) {
	if s.syncs == nil {
		return
	}
	if err := s.syncs.ConnectionCreated(context.WithoutCancel(ctx), conn); err != nil {
		s.log.Error("start syncs of new connection", "connection", conn.String(), "err", err)
	}
}

// connectionRemoved stops the syncs of a deleted connection.
func (s *Server) connectionRemoved(ctx context.Context, conn store.Connection) {
	if s.syncs == nil {
		return
	}
	if err := s.syncs.ConnectionDeleted(context.WithoutCancel(ctx), conn); err != nil {
		s.log.Error("stop syncs of deleted connection", "connection", conn.String(), "err", err)
	}
}
