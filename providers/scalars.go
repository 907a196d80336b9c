package providers

import (
	"fmt"

	"go.yaml.in/yaml/v3"
)

// StringList is a value Nango writes either as one scalar or as a list of
// scalars (retry.after: retry-after, or retry.after: [retry-after]).
type StringList []string

// UnmarshalYAML accepts a scalar, a sequence of scalars or null.
func (l *StringList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			*l = nil
			return nil
		}
		*l = StringList{n.Value}
		return nil
	case yaml.SequenceNode:
		out := make(StringList, 0, len(n.Content))
		for _, item := range n.Content {
			if item.Kind != yaml.ScalarNode {
				return fmt.Errorf("line %d: want a name, not %s", item.Line, kindName(item))
			}
			out = append(out, item.Value)
		}
		*l = out
		return nil
	}
	return fmt.Errorf("line %d: want a name or a list of names, not %s", n.Line, kindName(n))
}

// First returns the first value, or "".
func (l StringList) First() string {
	if len(l) == 0 {
		return ""
	}
	return l[0]
}

// TokenURL is a provider's token endpoint: one template, or one per auth
// mode (Nango's github-app-oauth has token_url: {OAUTH2: …, APP: …}).
type TokenURL struct {
	URL    string            // the one template; "" when ByMode is used
	ByMode map[string]string // auth mode → template
}

// UnmarshalYAML accepts a scalar or a mapping of scalars.
func (u *TokenURL) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*u = TokenURL{URL: n.Value}
		if n.ShortTag() == "!!null" {
			*u = TokenURL{}
		}
		return nil
	case yaml.MappingNode:
		var m map[string]string
		if err := n.Decode(&m); err != nil {
			return err
		}
		*u = TokenURL{ByMode: m}
		return nil
	}
	return fmt.Errorf("line %d: token_url: want a URL or a URL per auth mode, not %s", n.Line, kindName(n))
}

// For returns the token URL template of an auth mode.
func (u TokenURL) For(mode string) string {
	if u.URL != "" {
		return u.URL
	}
	return u.ByMode[mode]
}

// kindName names a node's kind for messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	case yaml.DocumentNode:
		return "a document"
	}
	return "a scalar"
}
