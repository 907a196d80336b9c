package sdkjs_test

import (
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/ferryhq/ferry/store"
)

// apiState is a fake API's answer that a test changes between runs.
type apiState struct {
	mu sync.Mutex
	v  any
}

func (s *apiState) set(v any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.v = v
}

func (s *apiState) handler() http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		v := s.v
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, v)
	}
}

func todoistTask(id, content string, done bool) map[string]any {
	return map[string]any{"id": id, "content": content, "is_completed": done, "project_id": "p1"}
}

// TestRecordsTrackDeletes: a full sync saves what the API lists between
// trackDeletesStart and trackDeletesEnd; records it no longer lists are
// deleted and their ids returned.
func TestRecordsTrackDeletes(t *testing.T) {
	b := function(t, "todoist/syncs/tasks")
	tasks := &apiState{}
	e := newEnv(t, map[string]http.HandlerFunc{"GET /rest/v2/tasks": tasks.handler()})

	tasks.set([]any{todoistTask("t1", "Buy milk", false), todoistTask("t2", "Call mum", false), todoistTask("t3", "Write tests", false)})
	_, n := e.mustRun(b, "")
	want := map[string]store.Action{"t1": store.ActionAdded, "t2": store.ActionAdded, "t3": store.ActionAdded}
	if got := e.states("todoist", "Task"); !reflect.DeepEqual(got, want) {
		t.Fatalf("after the first run: %v, want %v", got, want)
	}
	if l := findLog(n, "Deleted "); len(l) != 1 || l[0].Message != "Deleted 0 tasks that are gone upstream" {
		t.Fatalf("first run logged %+v", logs(n))
	}

	tasks.set([]any{todoistTask("t1", "Buy oat milk", false), todoistTask("t3", "Write tests", false)})
	_, n = e.mustRun(b, "")
	want = map[string]store.Action{"t1": store.ActionUpdated, "t2": store.ActionDeleted, "t3": store.ActionAdded}
	if got := e.states("todoist", "Task"); !reflect.DeepEqual(got, want) {
		t.Fatalf("after the second run: %v, want %v", got, want)
	}
	l := findLog(n, "Deleted ")
	if len(l) != 1 || l[0].Message != "Deleted 1 tasks that are gone upstream" || asJSON(t, l[0].Meta) != `{"deletedKeys":["t2"]}` {
		t.Fatalf("second run logged %+v", logs(n))
	}
	if d := recordData(t, e.records("todoist", "Task")["t1"]); d["content"] != "Buy oat milk" {
		t.Errorf("t1 stored as %v", d)
	}
	r := n.Report().Records["Task"]
	if r.Updated != 1 || r.Deleted != 1 || r.Unchanged != 1 {
		t.Errorf("report %+v, want 1 updated, 1 deleted, 1 unchanged", r)
	}
}

// TestRecordsBatchOperations: batchSave, batchUpdate (a merge) and
// batchDelete; getRecordsByIds answers a Map keyed by the ids as given
// (numbers stay numbers); listRecords pages through the model.
func TestRecordsBatchOperations(t *testing.T) {
	b := function(t, "todoist/syncs/task-changes")
	changes := &apiState{}
	e := newEnv(t, map[string]http.HandlerFunc{"GET /sync/v9/sync": changes.handler()})
	item := func(id int, content string) map[string]any {
		return map[string]any{"id": id, "content": content, "checked": false, "labels": []any{"home"}}
	}

	changes.set(map[string]any{
		"items":     []any{item(101, "Buy milk"), item(102, "Call mum"), item(103, "Write tests")},
		"completed": []any{},
		"deleted":   []any{},
	})
	_, n := e.mustRun(b, "")
	if got := e.api.requests()[0].Query.Get("resource_types"); got != `["items"]` {
		t.Errorf("resource_types %q", got)
	}
	want := map[string]store.Action{"101": store.ActionAdded, "102": store.ActionAdded, "103": store.ActionAdded}
	if got := e.states("todoist", "Task"); !reflect.DeepEqual(got, want) {
		t.Fatalf("after the first run: %v, want %v", got, want)
	}
	l := findLog(n, "Stored tasks")
	if len(l) != 1 || asJSON(t, l[0].Meta) != `{"pages":2,"seen":["101:ADDED:false","102:ADDED:false","103:ADDED:false"]}` {
		t.Fatalf("listRecords: %+v", logs(n))
	}

	changes.set(map[string]any{
		"items":     []any{},
		"completed": []any{map[string]any{"id": 101}, map[string]any{"id": 999}},
		"deleted":   []any{102},
	})
	_, n = e.mustRun(b, "")
	want = map[string]store.Action{"101": store.ActionUpdated, "102": store.ActionDeleted, "103": store.ActionAdded}
	if got := e.states("todoist", "Task"); !reflect.DeepEqual(got, want) {
		t.Fatalf("after the second run: %v, want %v", got, want)
	}
	d := recordData(t, e.records("todoist", "Task")["101"])
	if d["done"] != true || d["content"] != "Buy milk" || !reflect.DeepEqual(d["labels"], []any{"home"}) {
		t.Errorf("batchUpdate did not merge: 101 is %v", d)
	}
	l = findLog(n, "Completed tasks we know")
	wantMeta := `{"contents":["Buy milk"],"isMap":true,"keyTypes":["number"],"keys":[101],"lookupByNumber":"Buy milk","size":1}`
	if len(l) != 1 || asJSON(t, l[0].Meta) != wantMeta {
		t.Fatalf("getRecordsByIds: %+v, want meta %s", l, wantMeta)
	}
	l = findLog(n, "Stored tasks")
	if len(l) != 1 {
		t.Fatalf("listRecords: %+v", logs(n))
	}
	seen, _ := l[0].Meta["seen"].([]any)
	var got []string
	for _, s := range seen {
		got = append(got, s.(string))
	}
	// Records come in change order: the unchanged one first.
	if strings.Join(got, " ") != "103:ADDED:false 101:UPDATED:true 102:DELETED:false" || l[0].Meta["pages"] != 2.0 {
		t.Errorf("listRecords saw %v in %v pages", got, l[0].Meta["pages"])
	}
}

// TestRecordsUnknownModel: saving records of a model the function does
// not declare fails it with unknown_model, and stores nothing.
func TestRecordsUnknownModel(t *testing.T) {
	b := function(t, "todoist/syncs/projects")
	e := newEnv(t, map[string]http.HandlerFunc{
		"GET /rest/v2/projects": jsonHandler(http.StatusOK, []any{map[string]any{"id": "p1", "name": "Inbox"}}),
	})
	_, _, err := e.run(b, hostExec(""))
	fe := functionError(t, err, "unknown_model")
	if !strings.Contains(fe.Message, "Projects") {
		t.Errorf("message %q does not name the model", fe.Message)
	}
	if n := len(e.records("todoist", "Projects")) + len(e.records("todoist", "Project")); n != 0 {
		t.Errorf("%d records stored", n)
	}
}
