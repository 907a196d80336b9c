package jscompile_test

import (
	"fmt"
	"log"

	"github.com/ferryhq/ferry/jscompile"
)

func ExampleFind() {
	sources, err := jscompile.Find("testdata/project/nango")
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range sources {
		fmt.Println(s, s.Type, s.Path)
	}
	// Output:
	// github/create-issue action testdata/project/nango/github/actions/create-issue.ts
	// github/fetch-issues sync testdata/project/nango/github/syncs/fetch-issues.ts
	// slack/validate on-event testdata/project/nango/slack/on-events/validate.ts
}
