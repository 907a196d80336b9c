package hostfns

import (
	"fmt"
	"net/url"
	"strings"
)

// url resolves the attempt's URL: the base URL (templates resolved) joined
// with the endpoint, or the next-page link. Like Nango, an endpoint that
// already starts with the base URL is used as is.
func (t Target) url(sc templateScope, p *plan) (*url.URL, error) {
	if strings.TrimSpace(p.baseURL) == "" {
		return nil, fmt.Errorf("%w: no base URL: provider %q has none and baseUrlOverride is empty", ErrInvalidConfig, t.Provider.Name)
	}
	base, err := expandBase(sc, p.baseURL)
	if err != nil {
		return nil, fmt.Errorf("base URL: %w", err)
	}
	if p.link != "" {
		bu, err := parseHTTPURL(base)
		if err != nil {
			return nil, fmt.Errorf("base URL: %w", err)
		}
		return linkURL(bu, p.link)
	}
	if strings.HasPrefix(p.endpoint, strings.TrimSuffix(base, "/")+"/") {
		return parseHTTPURL(p.endpoint)
	}
	if eu, err := url.Parse(p.endpoint); err == nil && (eu.Scheme == "http" || eu.Scheme == "https") {
		return nil, fmt.Errorf("%w: endpoint %q is an absolute URL outside the base URL %q", ErrInvalidConfig, p.endpoint, base)
	}
	return parseHTTPURL(joinURL(base, p.endpoint))
}

// expandBase resolves a base URL template; alternatives separated by "||"
// are tried in order (Nango: "${connectionConfig.api_base_url} || https://…").
func expandBase(sc templateScope, tmpl string) (string, error) {
	var err error
	for _, alt := range strings.Split(tmpl, "||") {
		var s string
		if s, _, err = sc.expand(strings.TrimSpace(alt)); err == nil {
			return s, nil
		}
	}
	return "", err
}

// joinURL joins a base URL and an endpoint with exactly one slash.
func joinURL(base, endpoint string) string {
	return strings.TrimRight(base, "/") + "/" + strings.TrimLeft(endpoint, "/")
}

// parseHTTPURL parses an absolute http or https URL.
func parseHTTPURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidConfig, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%w: %q is not an absolute http(s) URL", ErrInvalidConfig, s)
	}
	return u, nil
}

// linkURL resolves a next-page link. A link on the base URL's host is
// followed as is; any other link is rebased onto the base URL (as Nango does
// for every link), so credentials never leave the provider's host.
func linkURL(base *url.URL, link string) (*url.URL, error) {
	lu, err := url.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("next page link %q: %w", link, err)
	}
	if lu.IsAbs() && strings.EqualFold(lu.Scheme, base.Scheme) && strings.EqualFold(lu.Host, base.Host) {
		return lu, nil
	}
	ref, path := lu.EscapedPath(), lu.EscapedPath()
	if lu.RawQuery != "" {
		ref += "?" + lu.RawQuery
	}
	basePath := strings.TrimSuffix(base.EscapedPath(), "/")
	if strings.HasPrefix(path, "/") && (basePath == "" || strings.HasPrefix(path, basePath+"/")) {
		return parseHTTPURL(base.Scheme + "://" + base.Host + ref)
	}
	return parseHTTPURL(joinURL(base.String(), ref))
}

// joinQuery appends extra to an existing raw query, or replaces it when the
// query was parsed into extra already.
func joinQuery(raw, extra string, replace bool) string {
	switch {
	case replace || raw == "":
		return extra
	case extra == "":
		return raw
	}
	return raw + "&" + extra
}
