// Command fetch-issues is an example sync: it pages through a GitHub
// repository's issues and saves them as Issue records.
package main

import (
	"fmt"
	"strconv"

	"github.com/ferryhq/ferry/plugins/nango"
)

// githubIssue is the part of GitHub's issue object the sync keeps.
type githubIssue struct {
	ID        int64  `json:"id"`
	Number    int    `json:"number"`
	Title     string `json:"title"`
	State     string `json:"state"`
	HTMLURL   string `json:"html_url"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
	User      struct {
		Login string `json:"login"`
	} `json:"user"`
}

// Issue is the record the sync saves.
type Issue struct {
	ID        string `json:"id"`
	Number    int    `json:"number"`
	Title     string `json:"title"`
	State     string `json:"state"`
	Author    string `json:"author"`
	URL       string `json:"url"`
	CreatedAt string `json:"createdAt"`
	UpdatedAt string `json:"updatedAt"`
}

// Metadata names the repository a connection syncs.
type Metadata struct {
	Owner string `json:"owner"`
	Repo  string `json:"repo"`
}

func fetchIssues() error {
	var md Metadata
	if err := nango.GetMetadata(&md); err != nil {
		return err
	}
	if md.Owner == "" || md.Repo == "" {
		return fmt.Errorf("connection metadata needs owner and repo, got %+v", md)
	}
	limit := 100
	cfg := nango.ProxyConfig{
		Endpoint: fmt.Sprintf("/repos/%s/%s/issues", md.Owner, md.Repo),
		Params:   map[string][]string{"state": {"all"}},
		Retries:  3,
		Paginate: &nango.PaginateConfig{
			Type:                    "link",
			LinkRelInResponseHeader: "next",
			Limit:                   &limit,
			LimitNameInRequest:      "per_page",
		},
	}
	total := 0
	err := nango.Paginate(cfg, func(page []githubIssue) error {
		issues := make([]Issue, len(page))
		for i, gi := range page {
			issues[i] = Issue{
				ID:        strconv.FormatInt(gi.ID, 10),
				Number:    gi.Number,
				Title:     gi.Title,
				State:     gi.State,
				Author:    gi.User.Login,
				URL:       gi.HTMLURL,
				CreatedAt: gi.CreatedAt,
				UpdatedAt: gi.UpdatedAt,
			}
		}
		if err := nango.BatchSave(issues, "Issue"); err != nil {
			return err
		}
		total += len(issues)
		return nil
	})
	if err != nil {
		return err
	}
	nango.Log("fetched issues", map[string]any{"count": total})
	return nil
}

//go:wasmexport sync
func sync() int32 { return nango.RunSync(fetchIssues) }

func main() {}
