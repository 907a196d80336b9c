package providers_test

import (
	"fmt"
	"strings"

	"github.com/ferryhq/ferry/providers"
)

// Example lays a user's providers.yaml over the built-in catalog: an entry
// there replaces the built-in one of its name, and alias: inherits from
// another entry.
func Example() {
	own, err := providers.Load(strings.NewReader(`
github-enterprise:
    alias: github
    display_name: GitHub Enterprise
    proxy:
        base_url: https://ghe.example.com/api/v3
        paginate:
            type: link
            limit_name_in_request: per_page
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	catalog := providers.Builtin().Merge(own)
	p, err := catalog.Get("github-enterprise")
	if err != nil {
		fmt.Println(err)
		return
	}
	hp := p.HostProvider()
	fmt.Println(p.DisplayName, p.AuthMode, hp.BaseURL, hp.Paginate.Type)
	// Output: GitHub Enterprise OAUTH2 https://ghe.example.com/api/v3 link
}
