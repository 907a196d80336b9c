// Command create-issue is an example action: it opens a GitHub issue and
// returns its number and URL.
package main

import (
	"errors"
	"fmt"

	"github.com/ferryhq/ferry/plugins/nango"
)

// Input is the action's input.
type Input struct {
	Title  string   `json:"title"`
	Body   string   `json:"body,omitempty"`
	Labels []string `json:"labels,omitempty"`
}

// Output is the action's typed result.
type Output struct {
	ID     string `json:"id"`
	Number int    `json:"number"`
	URL    string `json:"url"`
	State  string `json:"state"`
}

func createIssue(in Input) (Output, error) {
	if in.Title == "" {
		return Output{}, &nango.ActionError{Payload: map[string]string{"message": "title is required"}}
	}
	var md struct {
		Owner string `json:"owner"`
		Repo  string `json:"repo"`
	}
	if err := nango.GetMetadata(&md); err != nil {
		return Output{}, err
	}
	if md.Owner == "" || md.Repo == "" {
		return Output{}, errors.New("connection metadata needs owner and repo")
	}
	res, err := nango.Post(nango.ProxyConfig{
		Endpoint: fmt.Sprintf("/repos/%s/%s/issues", md.Owner, md.Repo),
		Data:     in,
		Retries:  2,
	})
	if err != nil {
		return Output{}, err
	}
	var created struct {
		ID      int64  `json:"id"`
		Number  int    `json:"number"`
		HTMLURL string `json:"html_url"`
		State   string `json:"state"`
	}
	if err := res.JSON(&created); err != nil {
		return Output{}, err
	}
	return Output{
		ID:     fmt.Sprint(created.ID),
		Number: created.Number,
		URL:    created.HTMLURL,
		State:  created.State,
	}, nil
}

//go:wasmexport action
func action() int32 { return nango.RunAction(createIssue) }

func main() {}
