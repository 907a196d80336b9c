package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/ferryhq/ferry/host"
	"github.com/ferryhq/ferry/hostfns"
	"github.com/ferryhq/ferry/store"
)

const (
	// MaxActionOutput caps an action's output, as Nango does (2 MB).
	MaxActionOutput = 2 << 20
	// defaultActionTimeout is Nango's action limit.
	defaultActionTimeout = 15 * time.Minute
	// asyncResultTTL is how long GET /action/:id answers after an async
	// action finished. Results are kept in memory only: a restart forgets
	// them (durable executions are issue 5).
	asyncResultTTL = time.Hour
	// maxPendingActions bounds async actions accepted but not finished.
	maxPendingActions = 1000
)

// triggerBody is POST /action/trigger.
type triggerBody struct {
	ActionName string          `json:"action_name"`
	Input      json.RawMessage `json:"input"`
}

// actionFailure is a failed action as the API answers it: Nango's shapes,
// {error: {code, message, payload, upstream?}}.
type actionFailure struct {
	Status int
	Body   actionErrorBody
}

type actionErrorBody struct {
	Message  string          `json:"message"`
	Code     string          `json:"code"`
	Payload  json.RawMessage `json:"payload"`
	Upstream *host.Upstream  `json:"upstream,omitempty"`
}

// trigger is POST /action/trigger, synchronous or (X-Async: true) in the
// background.
func (fs *functionSet) trigger(c *fiber.Ctx) error {
	if fs.h == nil {
		return errNoHost
	}
	// Copies: fiber's values alias its request buffers, and an async run
	// outlives the request.
	connID, pck := strings.Clone(c.Get("Connection-Id")), strings.Clone(c.Get("Provider-Config-Key"))
	if connID == "" || pck == "" {
		return badRequest("the Connection-Id and Provider-Config-Key headers are required")
	}
	var body triggerBody
	if err := decodeBody(c, &body); err != nil {
		return err
	}
	if body.ActionName == "" {
		return badRequest("action_name is required")
	}
	ctx := c.UserContext()
	target, _, err := fs.s.target(ctx, fs.s.connectionKey(pck, connID))
	if err != nil {
		return err
	}
	lf, err := fs.acquire(ctx, fs.key(pck, body.ActionName))
	if errors.Is(err, store.ErrNotFound) {
		return errorf(http.StatusNotFound, "unknown_action", "action %q is not deployed for integration %q", body.ActionName, pck)
	}
	if err != nil {
		return storeError(err)
	}
	if lf.version.Type != "action" {
		lf.runs.Done()
		return badRequest("function %q of integration %q is a %s, not an action", body.ActionName, pck, lf.version.Type)
	}
	var input []byte
	if len(body.Input) > 0 {
		input = body.Input
	}
	if isTrue(c.Get("X-Async")) {
		id, err := fs.jobs.start(lf, target, slices.Clone(input))
		if err != nil {
			lf.runs.Done()
			return err
		}
		return c.Status(http.StatusAccepted).JSON(fiber.Map{"id": id, "statusUrl": "/action/" + id})
	}
	out, fail := fs.run(ctx, lf, target, input)
	lf.runs.Done()
	if fail != nil {
		return c.Status(fail.Status).JSON(fiber.Map{"error": fail.Body})
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(out)
}

// run runs an action once and returns its output JSON or its failure.
func (fs *functionSet) run(ctx context.Context, lf *loadedFunction, target hostfns.Target, input []byte) ([]byte, *actionFailure) {
	var manifest struct {
		Models map[string]json.RawMessage `json:"models"`
	}
	_ = json.Unmarshal(lf.version.Manifest, &manifest)
	models := make([]string, 0, len(manifest.Models))
	for m := range manifest.Models {
		models = append(models, m)
	}
	nango := hostfns.New(hostfns.Scope{
		Connection: target.Connection, Provider: target.Provider, Credentials: target.Credentials,
		Function: lf.version.Name, Models: models,
	}, hostfns.Options{HTTP: fs.s.http, Store: fs.s.cfg.Store})
	timeout := fs.s.cfg.ActionTimeout
	if timeout <= 0 {
		timeout = defaultActionTimeout
	}
	start := time.Now()
	res, err := lf.bundle.Run(ctx, host.Execution{Nango: nango, Input: input, Timeout: timeout})
	fs.s.observeAction(target.Connection.ProviderConfigKey, nango, time.Since(start), err)
	out, fail := actionResult(res, err)
	fs.s.recordAction(target.Connection, lf.version.Name, nango, start, fail)
	return out, fail
}

// actionResult is an action's output JSON, or its failure.
func actionResult(res host.Result, err error) ([]byte, *actionFailure) {
	if err != nil {
		return nil, execFailure(err)
	}
	out := res.Output
	if len(out) == 0 {
		out = []byte("null")
	}
	if len(out) > MaxActionOutput {
		return nil, &actionFailure{Status: http.StatusInternalServerError, Body: actionErrorBody{
			Code:    "output_too_large",
			Message: fmt.Sprintf("the action's output is %d bytes, over the limit of %d", len(out), MaxActionOutput),
			Payload: json.RawMessage("null"),
		}}
	}
	return out, nil
}

// execFailure maps a failed execution to Nango's answers: an upstream
// HTTP error is 424 with the upstream answer; anything else is 500 with
// the function's code (action_error…) or the failure's kind (timeout,
// memory_limit, trap…).
func execFailure(err error) *actionFailure {
	f := &actionFailure{Status: http.StatusInternalServerError, Body: actionErrorBody{Code: "internal_error", Message: err.Error(), Payload: json.RawMessage("null")}}
	var ee *host.ExecError
	if !errors.As(err, &ee) {
		return f
	}
	f.Body.Code, f.Body.Message = string(ee.Kind), ee.Message
	if fe := ee.Function; ee.Kind == host.KindFunction && fe != nil {
		f.Body.Code, f.Body.Message = fe.Code, fe.Message
		if len(fe.Payload) > 0 {
			f.Body.Payload = fe.Payload
		}
		if fe.Code == "script_http_error" && fe.Upstream != nil {
			f.Status, f.Body.Upstream = http.StatusFailedDependency, fe.Upstream
		}
	}
	return f
}

// actionJobs runs async actions with bounded concurrency and keeps their
// results in memory for asyncResultTTL after they finish.
type actionJobs struct {
	fs    *functionSet
	slots chan struct{}

	mu   sync.Mutex
	jobs map[string]*actionJob
}

type actionJob struct {
	status   string // pending, completed or failed
	result   json.RawMessage
	err      *actionErrorBody
	finished time.Time
}

func newActionJobs(fs *functionSet) *actionJobs {
	return &actionJobs{fs: fs, slots: make(chan struct{}, 2*runtime.GOMAXPROCS(0)), jobs: map[string]*actionJob{}}
}

// start queues an action; the job owns lf's run count from here.
func (j *actionJobs) start(lf *loadedFunction, target hostfns.Target, input []byte) (string, error) {
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	id := hex.EncodeToString(raw[:])
	now := time.Now()
	j.mu.Lock()
	pending := 0
	for k, job := range j.jobs {
		switch {
		case job.status == "pending":
			pending++
		case now.Sub(job.finished) > asyncResultTTL:
			delete(j.jobs, k)
		}
	}
	if pending >= maxPendingActions {
		j.mu.Unlock()
		return "", errorf(http.StatusServiceUnavailable, "too_many_actions", "%d async actions are pending: retry later", pending)
	}
	job := &actionJob{status: "pending"}
	j.jobs[id] = job
	j.mu.Unlock()
	go func() {
		defer lf.runs.Done()
		j.slots <- struct{}{}
		out, fail := j.fs.run(context.Background(), lf, target, input)
		<-j.slots
		j.mu.Lock()
		defer j.mu.Unlock()
		job.finished = time.Now()
		if fail != nil {
			job.status, job.err = "failed", &fail.Body
			return
		}
		job.status, job.result = "completed", out
	}()
	return id, nil
}

// actionStatus is GET /action/:id.
func (fs *functionSet) actionStatus(c *fiber.Ctx) error {
	id := pathParam(c, "id")
	j := fs.jobs
	j.mu.Lock()
	job, ok := j.jobs[id]
	var view fiber.Map
	if ok && (job.status == "pending" || time.Since(job.finished) <= asyncResultTTL) {
		view = fiber.Map{"id": id, "status": job.status}
		if job.result != nil {
			view["result"] = job.result
		}
		if job.err != nil {
			view["error"] = job.err
		}
	}
	j.mu.Unlock()
	if view == nil {
		return errorf(http.StatusNotFound, "not_found", "no action execution %q (results are kept in memory for an hour)", id)
	}
	return c.JSON(view)
}
