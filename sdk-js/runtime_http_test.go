package sdkjs_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
)

// ticketOutput is the output of zendesk/actions/ticket-operation: the
// axios-like response the function received.
type ticketOutput struct {
	Status     int               `json:"status"`
	StatusText string            `json:"statusText"`
	Headers    map[string]string `json:"headers"`
	Data       any               `json:"data"`
}

// zendeskRoutes plays Zendesk's tickets API.
func zendeskRoutes(exportFailures int, exportCalls *atomic.Int32) map[string]http.HandlerFunc {
	ticket := func(r *http.Request, status string) map[string]any {
		return map[string]any{"ticket": map[string]any{"id": 35436, "subject": "Help, my printer is on fire!", "status": status}}
	}
	return map[string]http.HandlerFunc{
		"GET /api/v2/tickets/{id}": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Rate-Limit-Remaining", "699")
			writeJSON(w, http.StatusOK, ticket(r, "open"))
		},
		"POST /api/v2/tickets": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", "/api/v2/tickets/35437")
			writeJSON(w, http.StatusCreated, map[string]any{"ticket": map[string]any{"id": 35437, "subject": "created"}})
		},
		"PUT /api/v2/tickets/{id}": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, ticket(r, "open"))
		},
		"PATCH /api/v2/tickets/{id}": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, ticket(r, "solved"))
		},
		"DELETE /api/v2/tickets/{id}": func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		},
		"GET /api/v2/tickets/count": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintf(w, "open tickets: 12")
		},
		"GET /api/v2/search": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]any{"results": []any{map[string]any{"id": 1}}, "count": 1})
		},
		"GET /api/v2/exports/tickets.csv": func(w http.ResponseWriter, r *http.Request) {
			if int(exportCalls.Add(1)) <= exportFailures {
				writeJSON(w, http.StatusServiceUnavailable, map[string]any{"error": "MaintenanceMode"})
				return
			}
			w.Header().Set("Content-Type", "text/csv")
			fmt.Fprint(w, "id,subject\n35436,Printer on fire\n")
		},
	}
}

// TestHTTPVerbs runs get, post, put, patch, delete and proxy and checks
// both sides: what the API received and the axios-like response the
// function got back.
func TestHTTPVerbs(t *testing.T) {
	b := function(t, "zendesk/actions/ticket-operation")
	for _, tc := range []struct {
		name       string
		input      string
		method     string
		path       string
		query      string         // the request's exact query, "" for none
		body       map[string]any // the JSON body the API must receive; nil: none
		header     map[string]string
		status     int
		statusText string
		data       any       // the response data the function must see
		respHeader [2]string // a response header the function must see
	}{
		{
			name: "get", input: `{"operation":"get","ticketId":35436}`,
			method: "GET", path: "/api/v2/tickets/35436",
			header: map[string]string{"X-Zendesk-Locale": "fr", "Accept": "application/json"},
			status: 200, statusText: "OK",
			data:       map[string]any{"ticket": map[string]any{"id": 35436.0, "subject": "Help, my printer is on fire!", "status": "open"}},
			respHeader: [2]string{"x-rate-limit-remaining", "699"},
		},
		{
			name: "post", input: `{"operation":"create","subject":"Printer on fire"}`,
			method: "POST", path: "/api/v2/tickets",
			body:   map[string]any{"ticket": map[string]any{"subject": "Printer on fire", "priority": "high", "tags": []any{"ferry"}}},
			header: map[string]string{"Content-Type": "application/json"},
			status: 201, statusText: "Created",
			data:       map[string]any{"ticket": map[string]any{"id": 35437.0, "subject": "created"}},
			respHeader: [2]string{"location", "/api/v2/tickets/35437"},
		},
		{
			name: "put", input: `{"operation":"replace","ticketId":35436,"subject":"Printer still on fire"}`,
			method: "PUT", path: "/api/v2/tickets/35436",
			body:   map[string]any{"ticket": map[string]any{"subject": "Printer still on fire"}},
			status: 200, statusText: "OK",
			data: map[string]any{"ticket": map[string]any{"id": 35436.0, "subject": "Help, my printer is on fire!", "status": "open"}},
		},
		{
			name: "patch", input: `{"operation":"update","ticketId":35436}`,
			method: "PATCH", path: "/api/v2/tickets/35436",
			body:   map[string]any{"ticket": map[string]any{"status": "solved"}},
			status: 200, statusText: "OK",
			data: map[string]any{"ticket": map[string]any{"id": 35436.0, "subject": "Help, my printer is on fire!", "status": "solved"}},
		},
		{
			name: "delete", input: `{"operation":"delete","ticketId":35436}`,
			method: "DELETE", path: "/api/v2/tickets/35436",
			status: 204, statusText: "No Content",
		},
		{
			// proxy defaults to GET; a text answer is a string.
			name: "proxy text", input: `{"operation":"proxy"}`,
			method: "GET", path: "/api/v2/tickets/count", query: "status=open",
			status: 200, statusText: "OK",
			data:       "open tickets: 12",
			respHeader: [2]string{"content-type", "text/plain; charset=utf-8"},
		},
		{
			name: "params object", input: `{"operation":"search","query":"type:ticket status:open"}`,
			method: "GET", path: "/api/v2/search",
			query:  "include=users&include=groups&per_page=2&query=type%3Aticket+status%3Aopen",
			status: 200, statusText: "OK",
			data: map[string]any{"results": []any{map[string]any{"id": 1.0}}, "count": 1.0},
		},
		{
			name: "params string", input: `{"operation":"search-query-string","query":"type:ticket status:open"}`,
			method: "GET", path: "/api/v2/search",
			query:  "per_page=2&query=type%3Aticket+status%3Aopen",
			status: 200, statusText: "OK",
			data: map[string]any{"results": []any{map[string]any{"id": 1.0}}, "count": 1.0},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, zendeskRoutes(0, new(atomic.Int32)))
			res, _ := e.mustRun(b, tc.input)
			reqs := e.api.requests()
			if len(reqs) != 1 {
				t.Fatalf("the API received %d requests, want 1: %+v", len(reqs), reqs)
			}
			req := reqs[0]
			if req.Method != tc.method || req.Path != tc.path {
				t.Errorf("the API received %s %s, want %s %s", req.Method, req.Path, tc.method, tc.path)
			}
			if got := req.Query.Encode(); got != tc.query {
				t.Errorf("query %q, want %q", got, tc.query)
			}
			if got := req.Header.Get("Authorization"); got != "Bearer "+accessToken {
				t.Errorf("Authorization %q, want the connection's bearer token", got)
			}
			for k, v := range tc.header {
				if got := req.Header.Get(k); !strings.HasPrefix(got, v) {
					t.Errorf("header %s: %q, want %q", k, got, v)
				}
			}
			if tc.body != nil {
				if got := req.jsonBody(t); !reflect.DeepEqual(got, tc.body) {
					t.Errorf("body %s, want %s", asJSON(t, got), asJSON(t, tc.body))
				}
			} else if req.Body != "" {
				t.Errorf("body %q, want none", req.Body)
			}

			out := decode[ticketOutput](t, res.Output)
			if out.Status != tc.status || out.StatusText != tc.statusText {
				t.Errorf("response status %d %q, want %d %q", out.Status, out.StatusText, tc.status, tc.statusText)
			}
			if tc.data != nil && !reflect.DeepEqual(out.Data, tc.data) {
				t.Errorf("response data %s, want %s", asJSON(t, out.Data), asJSON(t, tc.data))
			}
			if k := tc.respHeader[0]; k != "" && out.Headers[k] != tc.respHeader[1] {
				t.Errorf("response header %s = %q, want %q (headers %v)", k, out.Headers[k], tc.respHeader[1], out.Headers)
			}
			for k := range out.Headers {
				if k != strings.ToLower(k) {
					t.Errorf("response header %q is not lower-cased", k)
				}
			}
		})
	}
}

// TestHTTPRetries: retries: 3 gets past two 503s; the function sees the
// final 200 with its text body.
func TestHTTPRetries(t *testing.T) {
	b := function(t, "zendesk/actions/ticket-operation")
	calls := new(atomic.Int32)
	e := newEnv(t, zendeskRoutes(2, calls))
	res, n := e.mustRun(b, `{"operation":"export"}`)
	if got := calls.Load(); got != 3 {
		t.Fatalf("the API was called %d times, want 3 (two 503s, then 200)", got)
	}
	out := decode[ticketOutput](t, res.Output)
	if out.Status != 200 || out.Data != "id,subject\n35436,Printer on fire\n" {
		t.Fatalf("response %d %q, want 200 and the CSV", out.Status, out.Data)
	}
	if got := len(n.Report().Calls); got != 3 {
		t.Errorf("the report holds %d upstream calls, want 3 attempts", got)
	}

	// Without enough retries, the 503 reaches the function, uncaught.
	calls.Store(0)
	e = newEnv(t, zendeskRoutes(10, calls))
	_, _, err := e.run(b, hostExec(`{"operation":"export"}`))
	fe := functionError(t, err, "script_http_error")
	if fe.Upstream == nil || fe.Upstream.Status != 503 {
		t.Fatalf("upstream %+v, want status 503", fe.Upstream)
	}
	if got := calls.Load(); got != 4 {
		t.Fatalf("the API was called %d times, want 4 (the call and 3 retries)", got)
	}
}

// TestHTTPErrorCaught: a 404 the function catches is an axios-like error
// (isAxiosError, message, code) with the upstream response (status,
// headers, parsed data).
func TestHTTPErrorCaught(t *testing.T) {
	b := function(t, "zendesk/actions/find-user")
	e := newEnv(t, map[string]http.HandlerFunc{
		"GET /api/v2/users/404": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Zendesk-Request-Id", "8a1b2c")
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "RecordNotFound", "description": "Not found"})
		},
		"GET /api/v2/users/7": jsonHandler(http.StatusOK, map[string]any{"user": map[string]any{"id": 7, "name": "Ada"}}),
	})
	res, _ := e.mustRun(b, `{"userId":"404"}`)
	want := `{"found":false,"status":404,"error":"RecordNotFound","isAxiosError":true,` +
		`"message":"Request failed with status code 404","code":"ERR_BAD_REQUEST","requestId":"8a1b2c"}`
	if got := asJSON(t, decode[map[string]any](t, res.Output)); got != asJSON(t, decode[map[string]any](t, []byte(want))) {
		t.Fatalf("output %s, want %s", got, want)
	}
	res, _ = e.mustRun(b, `{"userId":"7"}`)
	if got := string(res.Output); got != `{"found":true,"name":"Ada","status":200}` {
		t.Fatalf("output %s", got)
	}
}

// TestHTTPErrorUncaught: an uncaught 422 fails the action with
// script_http_error and the upstream answer.
func TestHTTPErrorUncaught(t *testing.T) {
	b := function(t, "zendesk/actions/create-user")
	e := newEnv(t, map[string]http.HandlerFunc{
		"POST /api/v2/users": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Request-Id", "req-42")
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{
				"error":   "RecordInvalid",
				"details": map[string]any{"email": []any{map[string]any{"description": "Email is already being used by another user"}}},
			})
		},
	})
	_, _, err := e.run(b, hostExec(`{"name":"Ada","email":"ada@example.com"}`))
	fe := functionError(t, err, "script_http_error")
	if fe.Upstream == nil {
		t.Fatalf("no upstream in %+v", fe)
	}
	if fe.Upstream.Status != 422 {
		t.Errorf("upstream status %d, want 422", fe.Upstream.Status)
	}
	if got := fe.Upstream.Headers["x-request-id"]; got != "req-42" {
		t.Errorf("upstream headers %v, want x-request-id req-42", fe.Upstream.Headers)
	}
	var body struct {
		Error   string `json:"error"`
		Details struct {
			Email []struct {
				Description string `json:"description"`
			} `json:"email"`
		} `json:"details"`
	}
	if err := json.Unmarshal(fe.Upstream.Body, &body); err != nil || body.Error != "RecordInvalid" || len(body.Details.Email) != 1 {
		t.Errorf("upstream body %s (%v), want the API's JSON", fe.Upstream.Body, err)
	}
	if !strings.Contains(fe.Message, "422") {
		t.Errorf("message %q does not name the status", fe.Message)
	}
	reqs := e.api.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1 (no retries by default)", len(reqs))
	}
	if got := reqs[0].jsonBody(t); asJSON(t, got) != `{"user":{"email":"ada@example.com","name":"Ada","verified":true}}` {
		t.Errorf("body %s", asJSON(t, got))
	}
}
