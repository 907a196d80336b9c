package sdkjs_test

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// TestActions runs github/actions/create-issue: zod validates the input
// (and its parsed value, defaults included, reaches exec) and the output;
// a thrown nango.ActionError is action_error with its payload.
func TestActions(t *testing.T) {
	b := function(t, "github/actions/create-issue")
	created := func(htmlURL string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			var in struct {
				Title  string   `json:"title"`
				Labels []string `json:"labels"`
			}
			json.NewDecoder(r.Body).Decode(&in)
			labels := []any{}
			for _, l := range in.Labels {
				labels = append(labels, map[string]any{"name": l})
			}
			writeJSON(w, http.StatusCreated, map[string]any{"number": 1347, "html_url": htmlURL, "title": in.Title, "labels": labels})
		}
	}
	for _, tc := range []struct {
		name     string
		input    string
		htmlURL  string // what the API answers as the URL
		output   string // the output; "" when the action fails
		code     string // the failure's code
		message  string // a part of its message
		payload  string // its payload, compact JSON
		requests int    // requests the API must receive
		body     string // the one request's body
	}{
		{
			name: "success", input: `{"owner":"ferryhq","repo":"ferry","title":"Crash on start","labels":["bug"]}`,
			htmlURL:  "https://github.com/ferryhq/ferry/issues/1347",
			output:   `{"number":1347,"url":"https://github.com/ferryhq/ferry/issues/1347","title":"Crash on start","labels":["bug"]}`,
			requests: 1, body: `{"labels":["bug"],"title":"Crash on start"}`,
		},
		{
			name: "default applied", input: `{"owner":"ferryhq","repo":"ferry","title":"No labels"}`,
			htmlURL:  "https://github.com/ferryhq/ferry/issues/1347",
			output:   `{"number":1347,"url":"https://github.com/ferryhq/ferry/issues/1347","title":"No labels","labels":[]}`,
			requests: 1, body: `{"labels":[],"title":"No labels"}`,
		},
		{
			name: "invalid input", input: `{"owner":"ferryhq","repo":"ferry","title":""}`,
			code: "invalid_input", message: "title",
		},
		{
			name: "input of the wrong type", input: `{"owner":"ferryhq","repo":"ferry","title":"x","labels":"bug"}`,
			code: "invalid_input", message: "labels",
		},
		{
			name: "invalid output", input: `{"owner":"ferryhq","repo":"ferry","title":"Crash on start"}`,
			htmlURL: "not a url",
			code:    "invalid_output", message: "url",
			requests: 1,
		},
		{
			name: "action error", input: `{"owner":"ferryhq","repo":"ferry","title":"Won't do","labels":["wontfix","ui"]}`,
			code: "action_error", message: "An issue cannot be created as wontfix",
			payload: `{"field":"labels","message":"An issue cannot be created as wontfix","rejected":["wontfix","ui"]}`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, map[string]http.HandlerFunc{"POST /repos/ferryhq/ferry/issues": created(tc.htmlURL)})
			res, _, err := e.run(b, hostExec(tc.input))
			reqs := e.api.requests()
			if len(reqs) != tc.requests {
				t.Fatalf("the API received %d requests, want %d", len(reqs), tc.requests)
			}
			if tc.body != "" {
				if got := asJSON(t, reqs[0].jsonBody(t)); got != tc.body {
					t.Errorf("request body %s, want %s", got, tc.body)
				}
			}
			if tc.code == "" {
				if err != nil {
					t.Fatalf("%v%s", err, functionDetail(err))
				}
				if got := string(res.Output); got != tc.output {
					t.Fatalf("output %s, want %s", got, tc.output)
				}
				return
			}
			fe := functionError(t, err, tc.code)
			if !strings.Contains(fe.Message, tc.message) {
				t.Errorf("message %q does not mention %q", fe.Message, tc.message)
			}
			if tc.payload != "" {
				var got any
				if err := json.Unmarshal(fe.Payload, &got); err != nil || asJSON(t, got) != tc.payload {
					t.Errorf("payload %s, want %s", fe.Payload, tc.payload)
				}
			} else if len(fe.Payload) != 0 {
				t.Errorf("payload %s, want none", fe.Payload)
			}
			if res.Output != nil {
				t.Errorf("a failed action has output %s", res.Output)
			}
		})
	}
}

// TestWebhook runs a sync's onWebhook handler through the on_webhook
// entry point with the payload as input.
func TestWebhook(t *testing.T) {
	b := function(t, "github/syncs/issues")
	if got := b.Manifest().WebhookSubscriptions; !reflect.DeepEqual(got, []string{"issues"}) {
		t.Fatalf("webhookSubscriptions %v", got)
	}
	e := newEnv(t, nil)
	payload := func(action string, labels ...string) []byte {
		ls := []any{}
		for _, l := range labels {
			ls = append(ls, map[string]any{"name": l})
		}
		p, _ := json.Marshal(map[string]any{
			"action": action,
			"issue": map[string]any{
				"id": 2001, "number": 42, "title": "Webhooks work", "state": "open",
				"user": map[string]any{"login": "hubot"}, "labels": ls,
			},
			"repository": map[string]any{"full_name": "ferryhq/ferry"},
		})
		return p
	}
	run := func(p []byte) []logLine {
		t.Helper()
		res, n, err := e.run(b, hostExecEntry("on_webhook", p))
		if err != nil {
			t.Fatalf("%v%s", err, functionDetail(err))
		}
		if res.Output != nil {
			t.Errorf("on_webhook output %s, want none", res.Output)
		}
		return logs(n)
	}

	l := run(payload("opened"))
	if len(l) != 1 || l[0].Message != "Webhook: issue #42 opened" {
		t.Errorf("logs %+v", l)
	}
	r, ok := e.records("github", "GithubIssue")["2001"]
	if !ok {
		t.Fatal("the webhook's issue was not saved")
	}
	if got := asJSON(t, recordData(t, r)); got != `{"author":"hubot","id":"2001","labels":[],"number":42,"state":"open","title":"Webhooks work"}` || r.Meta.LastAction != "ADDED" {
		t.Fatalf("stored %s (%s)", got, r.Meta.LastAction)
	}

	run(payload("labeled", "bug"))
	r = e.records("github", "GithubIssue")["2001"]
	if d := recordData(t, r); !reflect.DeepEqual(d["labels"], []any{"bug"}) || r.Meta.LastAction != "UPDATED" {
		t.Fatalf("after labeled: %s (%s)", r.Data, r.Meta.LastAction)
	}

	run(payload("deleted"))
	if got := e.states("github", "GithubIssue")["2001"]; got != "DELETED" {
		t.Fatalf("after deleted: %s", got)
	}
	if n := len(e.api.requests()); n != 0 {
		t.Errorf("the webhook handler made %d API calls", n)
	}
}
