package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/bundle"
	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/store"
)

// MaxBundleSize caps an uploaded bundle (POST /functions).
const MaxBundleSize = 32 << 20

// functionSet is the server's deployed functions: the store keeps every
// version, the set keeps the active one of each loaded in the host. It is
// safe for concurrent use.
type functionSet struct {
	s *Server
	h *host.Host

	mu     sync.Mutex
	loaded map[store.FunctionKey]*loadedFunction

	// changeMu serialises changes (deploy, activate, delete, loading on
	// demand) so that the store's active version and the loaded one agree.
	changeMu sync.Mutex

	jobs *actionJobs
}

// loadedFunction is one function's active version, loaded in the host.
type loadedFunction struct {
	version store.FunctionVersion
	bundle  *host.Bundle
	// runs counts executions in flight; Add only while the function is in
	// functionSet.loaded (under its mutex), so that once it is replaced a
	// Wait sees every run.
	runs sync.WaitGroup
}

// functionRoutes adds the deploy and action routes, and loads the active
// functions in the background (a request for one not loaded yet loads it).
func (s *Server) functionRoutes(api fiber.Router) {
	fs := &functionSet{s: s, h: s.cfg.Host, loaded: map[store.FunctionKey]*loadedFunction{}}
	fs.jobs = newActionJobs(fs)
	s.functions = fs
	api.Post("/functions", fs.deploy)
	api.Get("/functions", fs.list)
	api.Get("/functions/:integration/:name", fs.get)
	api.Post("/functions/:integration/:name/activate", fs.activate)
	api.Delete("/functions/:integration/:name", fs.delete)
	api.Post("/action/trigger", fs.trigger)
	api.Get("/action/:id", fs.actionStatus)
	if fs.h != nil {
		go fs.loadAll(context.Background())
	}
}

var errNoHost = errorf(http.StatusServiceUnavailable, "functions_disabled", "this server runs no functions (no host configured)")

// loadAll loads the active version of every stored function.
func (fs *functionSet) loadAll(ctx context.Context) {
	list, err := fs.s.cfg.Store.ListFunctions(ctx, fs.s.cfg.Environment)
	if err != nil {
		fs.s.log.Error("load functions", "err", err)
		return
	}
	for _, v := range list {
		lf, err := fs.acquire(ctx, v.FunctionKey)
		if err != nil {
			fs.s.log.Error("load function", "function", v.FunctionKey.String(), "err", err)
			continue
		}
		lf.runs.Done()
	}
	if len(list) > 0 {
		fs.s.log.Info("functions loaded", "count", len(list))
	}
}

// acquire returns the loaded active version of a function, loading it
// from the store if needed; the caller must call runs.Done when finished
// with it. A function not deployed is store.ErrNotFound.
func (fs *functionSet) acquire(ctx context.Context, k store.FunctionKey) (*loadedFunction, error) {
	if lf := fs.take(k); lf != nil {
		return lf, nil
	}
	fs.changeMu.Lock()
	defer fs.changeMu.Unlock()
	if lf := fs.take(k); lf != nil {
		return lf, nil
	}
	v, err := fs.s.cfg.Store.Function(ctx, k)
	if err != nil {
		return nil, err
	}
	b, err := fs.loadVersion(ctx, v)
	if err != nil {
		return nil, err
	}
	fs.install(v.FunctionKey, &loadedFunction{version: v, bundle: b})
	if lf := fs.take(k); lf != nil {
		return lf, nil
	}
	return nil, fmt.Errorf("function %s: %w", k, store.ErrNotFound)
}

// loadVersion loads a stored version's bundle in the host.
func (fs *functionSet) loadVersion(ctx context.Context, v store.FunctionVersion) (*host.Bundle, error) {
	wasm, err := fs.s.cfg.Store.FunctionBundle(ctx, v.FunctionKey, v.Deploy)
	if err != nil {
		return nil, err
	}
	b, err := fs.h.Load(ctx, wasm)
	if err != nil {
		return nil, fmt.Errorf("load function %s deploy %d: %w", v.FunctionKey, v.Deploy, err)
	}
	return b, nil
}

// take returns the loaded function with one more run counted, or nil.
func (fs *functionSet) take(k store.FunctionKey) *loadedFunction {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	lf := fs.loaded[k]
	if lf != nil {
		lf.runs.Add(1)
	}
	return lf
}

// install makes lf the loaded version of k (nil: none) and closes the one
// it replaces once its runs in flight finish.
func (fs *functionSet) install(k store.FunctionKey, lf *loadedFunction) {
	fs.mu.Lock()
	old := fs.loaded[k]
	if lf == nil {
		delete(fs.loaded, k)
	} else {
		fs.loaded[k] = lf
	}
	fs.mu.Unlock()
	if old != nil {
		go func() {
			old.runs.Wait()
			if err := old.bundle.Close(context.Background()); err != nil && !errors.Is(err, host.ErrClosed) {
				fs.s.log.Warn("close replaced function", "function", k.String(), "deploy", old.version.Deploy, "err", err)
			}
		}()
	}
}

// key names a function; it copies the names, which may alias fiber's
// request buffers.
func (fs *functionSet) key(integration, name string) store.FunctionKey {
	return store.FunctionKey{Environment: fs.s.cfg.Environment, Integration: strings.Clone(integration), Name: strings.Clone(name)}
}

// functionView is a deployed function version as the API shows it.
type functionView struct {
	Integration string          `json:"integration"`
	Name        string          `json:"name"`
	Type        string          `json:"type"`
	Version     string          `json:"version"`
	Deploy      uint64          `json:"deploy"`
	Hash        string          `json:"hash"`
	Size        int             `json:"size"`
	DeployedAt  time.Time       `json:"deployed_at"`
	Active      bool            `json:"active"`
	Manifest    json.RawMessage `json:"manifest,omitempty"`
}

func viewFunction(v store.FunctionVersion, withManifest bool) functionView {
	fv := functionView{
		Integration: v.Integration, Name: v.Name, Type: v.Type, Version: v.Version, Deploy: v.Deploy,
		Hash: v.Hash, Size: v.Size, DeployedAt: v.DeployedAt, Active: v.Active,
	}
	if withManifest {
		fv.Manifest = v.Manifest
	}
	return fv
}

// deploy is POST /functions: the body is a bundle. It is validated
// (parsed and loaded in the host), stored as a new version, activated
// and swapped in for the version it replaces.
func (fs *functionSet) deploy(c *fiber.Ctx) error {
	if fs.h == nil {
		return errNoHost
	}
	body := c.Body()
	switch {
	case len(body) == 0:
		return badRequest("the request needs a bundle as its body (Content-Type: application/wasm)")
	case len(body) > MaxBundleSize:
		return errorf(http.StatusRequestEntityTooLarge, "payload_too_large", "bundle of %d bytes is over the %d-byte limit", len(body), MaxBundleSize)
	}
	v, err := fs.deployBundle(c.UserContext(), bytes.Clone(body)) // fiber reuses the request's buffer; bundles alias their bytes
	if err != nil {
		return err
	}
	return c.Status(http.StatusCreated).JSON(viewFunction(v, false))
}

// deployBundle validates wasm (parsed and loaded in the host), stores it
// as a new version, activates it and swaps it in. Its errors are
// *apiError.
func (fs *functionSet) deployBundle(ctx context.Context, wasm []byte) (store.FunctionVersion, error) {
	parsed, err := bundle.Parse(wasm)
	if errors.Is(err, bundle.ErrNotWasm) {
		return store.FunctionVersion{}, errorf(http.StatusBadRequest, "not_wasm", "the body is not a WebAssembly module: %v", err)
	}
	if err != nil {
		return store.FunctionVersion{}, errorf(http.StatusBadRequest, "invalid_bundle", "invalid bundle: %v", err)
	}
	m := parsed.Manifest
	unknown := errorf(http.StatusNotFound, "unknown_integration", "integration %q does not exist: create it first (POST /integrations)", m.Integration)
	if _, err := fs.s.cfg.Store.GetIntegration(ctx, fs.s.cfg.Environment, m.Integration); errors.Is(err, store.ErrNotFound) {
		return store.FunctionVersion{}, unknown
	} else if err != nil {
		return store.FunctionVersion{}, storeError(err)
	}
	b, err := fs.h.Load(ctx, wasm)
	if err != nil {
		return store.FunctionVersion{}, errorf(http.StatusBadRequest, "invalid_bundle", "invalid bundle: %v", err)
	}
	manifest, err := json.Marshal(m)
	if err != nil {
		b.Close(context.WithoutCancel(ctx))
		return store.FunctionVersion{}, err
	}
	fs.changeMu.Lock()
	defer fs.changeMu.Unlock()
	v, err := fs.s.cfg.Store.DeployFunction(ctx, store.FunctionVersion{
		FunctionKey: fs.key(m.Integration, m.Name),
		Type:        string(m.Type), Version: m.Version, Hash: parsed.Hash(), Manifest: manifest,
	}, wasm)
	if err != nil {
		b.Close(context.WithoutCancel(ctx))
		if errors.Is(err, store.ErrNotFound) {
			return store.FunctionVersion{}, unknown
		}
		return store.FunctionVersion{}, storeError(err)
	}
	fs.install(v.FunctionKey, &loadedFunction{version: v, bundle: b})
	fs.s.log.Info("function deployed", "function", v.FunctionKey.String(), "version", v.Version, "deploy", v.Deploy, "hash", v.Hash)
	fs.s.syncDeployed(ctx, v)
	return v, nil
}

// Deploy deploys a bundle as POST /functions does, for a server that
// deploys functions at start (ferry serve --functions).
func (s *Server) Deploy(ctx context.Context, wasm []byte) error {
	if s.functions == nil || s.functions.h == nil {
		return errNoHost
	}
	_, err := s.functions.deployBundle(ctx, wasm)
	return err
}

// list is GET /functions: the active version of every function.
func (fs *functionSet) list(c *fiber.Ctx) error {
	list, err := fs.s.cfg.Store.ListFunctions(c.UserContext(), fs.s.cfg.Environment)
	if err != nil {
		return storeError(err)
	}
	views := make([]functionView, 0, len(list))
	for _, v := range list {
		views = append(views, viewFunction(v, false))
	}
	return c.JSON(fiber.Map{"data": views})
}

// get is GET /functions/:integration/:name: the active version with its
// manifest, and every kept version.
func (fs *functionSet) get(c *fiber.Ctx) error {
	versions, err := fs.s.cfg.Store.FunctionVersions(c.UserContext(), fs.key(pathParam(c, "integration"), pathParam(c, "name")))
	if err != nil {
		return storeError(err)
	}
	out := struct {
		functionView
		Versions []functionView `json:"versions"`
	}{}
	for _, v := range versions {
		if v.Active {
			out.functionView = viewFunction(v, true)
		}
		out.Versions = append(out.Versions, viewFunction(v, false))
	}
	return c.JSON(out)
}

// activate is POST /functions/:integration/:name/activate {deploy}: a
// rollback (or forward) to a kept version.
func (fs *functionSet) activate(c *fiber.Ctx) error {
	if fs.h == nil {
		return errNoHost
	}
	var body struct {
		Deploy uint64 `json:"deploy"`
	}
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	k := fs.key(pathParam(c, "integration"), pathParam(c, "name"))
	ctx := c.UserContext()
	versions, err := fs.s.cfg.Store.FunctionVersions(ctx, k)
	if err != nil {
		return storeError(err)
	}
	var target *store.FunctionVersion
	for i := range versions {
		if versions[i].Deploy == body.Deploy {
			target = &versions[i]
		}
	}
	if target == nil {
		return errorf(http.StatusNotFound, "not_found", "function %s has no kept deploy %d", k, body.Deploy)
	}
	b, err := fs.loadVersion(ctx, *target)
	if err != nil {
		return storeError(err)
	}
	fs.changeMu.Lock()
	defer fs.changeMu.Unlock()
	v, err := fs.s.cfg.Store.ActivateFunction(ctx, k, body.Deploy)
	if err != nil {
		b.Close(context.WithoutCancel(ctx))
		return storeError(err)
	}
	fs.install(v.FunctionKey, &loadedFunction{version: v, bundle: b})
	fs.s.syncDeployed(ctx, v)
	return c.JSON(viewFunction(v, false))
}

// delete is DELETE /functions/:integration/:name: every version goes.
func (fs *functionSet) delete(c *fiber.Ctx) error {
	k := fs.key(pathParam(c, "integration"), pathParam(c, "name"))
	fs.changeMu.Lock()
	defer fs.changeMu.Unlock()
	if err := fs.s.cfg.Store.DeleteFunction(c.UserContext(), k); err != nil {
		return storeError(err)
	}
	fs.install(k, nil)
	fs.s.syncRemoved(c.UserContext(), k)
	return c.JSON(fiber.Map{"success": true})
}

// isTrue reads a boolean header: "true" or "1".
func isTrue(v string) bool {
	b, err := strconv.ParseBool(v)
	return err == nil && b
}
