package providers

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// ErrUnknownProvider is returned by Get for a name the catalog lacks.
var ErrUnknownProvider = errors.New("unknown provider")

// Catalog is a set of provider entries keyed by name. It is immutable and
// safe for concurrent use.
type Catalog struct {
	entries map[string]entry
	// webhooks caches WebhookConfig's answers (name → Webhook): a catalog
	// does not change once loaded, and decoding an entry is most of what
	// reading its webhook rules costs.
	webhooks sync.Map
}

// entry is one provider as read: its top-level fields, undecoded, so that
// an alias can inherit the fields it does not set.
type entry struct {
	source string // file name, for messages
	line   int
	fields map[string]yaml.Node
}

// Load reads a catalog in providers.yaml format from r.
func Load(r io.Reader) (*Catalog, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read providers: %w", err)
	}
	return parse("providers", data)
}

// LoadFile reads a catalog in providers.yaml format from the file at path.
// Errors name the file and the line.
func LoadFile(path string) (*Catalog, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read providers: %w", err)
	}
	return parse(path, data)
}

// parse reads a catalog and checks every entry on its own (aliases are
// resolved by Get, since they may name an entry of another catalog the
// file is merged over).
func parse(source string, data []byte) (*Catalog, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s", source, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	c := &Catalog{entries: map[string]entry{}}
	if len(doc.Content) == 0 {
		return c, nil // an empty file: no providers
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping of provider names to entries, not %s", source, root.Line, kindName(root))
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		name := k.Value
		switch {
		case k.Kind != yaml.ScalarNode || strings.TrimSpace(name) == "":
			return nil, fmt.Errorf("%s:%d: a provider name must be a non-empty string", source, k.Line)
		case name == "<<":
			return nil, fmt.Errorf("%s:%d: merge keys are not supported between providers; use alias:", source, k.Line)
		case v.Kind != yaml.MappingNode:
			return nil, fmt.Errorf("%s:%d: provider %q: want a mapping of fields, not %s", source, v.Line, name, kindName(v))
		}
		if prev, dup := c.entries[name]; dup {
			return nil, fmt.Errorf("%s:%d: provider %q is defined twice (first at line %d)", source, k.Line, name, prev.line)
		}
		var fields map[string]yaml.Node
		if err := v.Decode(&fields); err != nil {
			return nil, fmt.Errorf("%s: provider %q: %s", source, name, yamlMessage(err))
		}
		e := entry{source: source, line: k.Line, fields: fields}
		if _, err := e.decode(name); err != nil {
			return nil, err
		}
		c.entries[name] = e
	}
	return c, nil
}

// Merge returns a catalog holding c's entries and over's, over's winning:
// an entry of over replaces c's entry of the same name as a whole (use
// alias: to inherit from it). Either may be nil.
func (c *Catalog) Merge(over *Catalog) *Catalog {
	out := &Catalog{entries: map[string]entry{}}
	for _, src := range []*Catalog{c, over} {
		if src != nil {
			maps.Copy(out.entries, src.entries)
		}
	}
	return out
}

// Names returns the catalog's provider names, sorted.
func (c *Catalog) Names() []string {
	if c == nil {
		return nil
	}
	return slices.Sorted(maps.Keys(c.entries))
}

// Len returns how many providers the catalog holds.
func (c *Catalog) Len() int {
	if c == nil {
		return 0
	}
	return len(c.entries)
}

// Get returns the provider name, with the entry it is an alias of laid
// under it. A name the catalog lacks wraps ErrUnknownProvider.
func (c *Catalog) Get(name string) (Provider, error) {
	if c == nil {
		return Provider{}, fmt.Errorf("provider %q: %w", name, ErrUnknownProvider)
	}
	e, err := c.resolve(name, nil)
	if err != nil {
		return Provider{}, err
	}
	return e.decode(name)
}

// WebhookConfig is Get(name).WebhookConfig(), decoded once per name; the
// zero Webhook for a name the catalog lacks or cannot decode. The result
// shares no memory with the catalog.
func (c *Catalog) WebhookConfig(name string) Webhook {
	if c == nil {
		return Webhook{}
	}
	if w, ok := c.webhooks.Load(name); ok {
		return w.(Webhook).clone()
	}
	var w Webhook
	if p, err := c.Get(name); err == nil {
		w = p.WebhookConfig()
	}
	c.webhooks.Store(name, w.clone())
	return w
}

// resolve returns the entry name with its alias chain applied: the
// aliased entry's top-level fields, then the entry's own (Nango's rule).
func (c *Catalog) resolve(name string, chain []string) (entry, error) {
	e, ok := c.entries[name]
	if !ok {
		if len(chain) > 0 {
			return entry{}, fmt.Errorf("provider %q: alias %q: %w", chain[len(chain)-1], name, ErrUnknownProvider)
		}
		return entry{}, fmt.Errorf("provider %q: %w", name, ErrUnknownProvider)
	}
	aliasNode, hasAlias := e.fields["alias"]
	if !hasAlias || aliasNode.Kind != yaml.ScalarNode || aliasNode.Value == "" {
		return e, nil
	}
	if slices.Contains(chain, name) {
		return entry{}, fmt.Errorf("%s:%d: provider %q: alias loop %s", e.source, e.line, name, strings.Join(append(chain, name), " → "))
	}
	base, err := c.resolve(aliasNode.Value, append(chain, name))
	if err != nil {
		return entry{}, err
	}
	merged := maps.Clone(base.fields)
	maps.Copy(merged, e.fields)
	return entry{source: e.source, line: e.line, fields: merged}, nil
}

// decode turns an entry's fields into a Provider and checks them.
func (e entry) decode(name string) (Provider, error) {
	node := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: e.line}
	for _, k := range slices.Sorted(maps.Keys(e.fields)) {
		v := e.fields[k]
		node.Content = append(node.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: k}, &v)
	}
	var p Provider
	if err := node.Decode(&p); err != nil {
		return Provider{}, fmt.Errorf("%s: provider %q: %s", e.source, name, yamlMessage(err))
	}
	p.Name = name
	if err := e.check(name, p); err != nil {
		return Provider{}, err
	}
	return p, nil
}

// check rejects values ferry could only fail on later.
func (e entry) check(name string, p Provider) error {
	bad := func(path []string, format string, args ...any) error {
		return fmt.Errorf("%s:%d: provider %q: %s: %s", e.source, e.lineOf(path), name, strings.Join(path, "."), fmt.Sprintf(format, args...))
	}
	if p.Proxy == nil {
		return nil
	}
	for alt := range strings.SplitSeq(p.Proxy.BaseURL, "||") {
		alt = strings.TrimSpace(alt)
		if p.Proxy.BaseURL != "" && !strings.HasPrefix(alt, "https://") && !strings.HasPrefix(alt, "http://") && !strings.HasPrefix(alt, "${") {
			return bad([]string{"proxy", "base_url"}, "%q is not an http(s) URL or a ${…} template", alt)
		}
	}
	if pg := p.Proxy.Paginate; pg != nil {
		switch pg.Type {
		case "", "cursor", "link", "offset":
		default:
			return bad([]string{"proxy", "paginate", "type"}, "unknown type %q (want cursor, link or offset)", pg.Type)
		}
		if pg.Limit != nil && *pg.Limit <= 0 {
			return bad([]string{"proxy", "paginate", "limit"}, "%d, want more than 0", *pg.Limit)
		}
	}
	return nil
}

// lineOf finds the line of the value at path in the entry, or the entry's.
func (e entry) lineOf(path []string) int {
	v, ok := e.fields[path[0]]
	if !ok {
		return e.line
	}
	n := &v
	for _, key := range path[1:] {
		next := mappingValue(n, key)
		if next == nil {
			break
		}
		n = next
	}
	return n.Line
}

// mappingValue returns the value of key in a mapping node, or nil.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// yamlMessage is a yaml error as one line, without the package prefix.
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return strings.Join(te.Errors, "; ")
	}
	return strings.TrimPrefix(err.Error(), "yaml: ")
}
