package tracing_test

import (
	"context"
	"log"
	"time"

	"github.com/ferryhq/ferry/store"
	"github.com/ferryhq/ferry/tracing"
)

// An exporter is built once, handed finished operations, and shut down
// last, which sends what is still queued.
func ExampleExporter() {
	x, err := tracing.New(tracing.Config{
		Endpoint: "http://collector:4318", // spans go to http://collector:4318/v1/traces
		Headers:  map[string]string{"Authorization": "Bearer collector-token"},
	})
	if err != nil {
		log.Fatal(err)
	}
	defer x.Shutdown(context.Background())

	start := time.Now().UTC()
	x.Operation(store.Execution{
		ID: 1, Type: store.ExecutionTypeProxy, Environment: "dev", Integration: "github", ConnectionID: "conn-1",
		Function: "GET /user", Trigger: "api", Status: store.ExecutionSuccess, StartedAt: start, EndedAt: start.Add(80 * time.Millisecond),
	}, nil)
}
