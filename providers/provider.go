package providers

// Provider is one catalog entry, decoded. Field names follow Nango's
// providers.yaml; fields ferry does not use yet are kept for tools that
// list providers, and unknown fields are ignored.
type Provider struct {
	Name                  string            `yaml:"-"`
	DisplayName           string            `yaml:"display_name"`
	Categories            []string          `yaml:"categories"`
	AuthMode              string            `yaml:"auth_mode"` // OAUTH2, OAUTH2_CC, API_KEY, BASIC, NONE, APP…
	AuthorizationURL      string            `yaml:"authorization_url"`
	TokenURL              TokenURL          `yaml:"token_url"`
	RefreshURL            string            `yaml:"refresh_url"`
	AuthorizationParams   map[string]string `yaml:"authorization_params"`
	TokenParams           map[string]string `yaml:"token_params"`
	RefreshParams         map[string]string `yaml:"refresh_params"`
	ScopeSeparator        string            `yaml:"scope_separator"`
	DefaultScopes         []string          `yaml:"default_scopes"`
	DisablePKCE           bool              `yaml:"disable_pkce"`
	TokenExpirationBuffer int               `yaml:"token_expiration_buffer"` // seconds
	Proxy                 *Proxy            `yaml:"proxy"`
	WebhookRoutingScript  string            `yaml:"webhook_routing_script"`
	Webhook               *Webhook          `yaml:"webhook"` // ferry's: see Webhook
	PostConnectionScript  string            `yaml:"post_connection_script"`
	PostConnection        *PostConnection   `yaml:"post_connection"` // ferry's: see PostConnectionRequest
	// TokenResponseMetadata and RedirectURIMetadata name what a new OAuth
	// connection's config takes from the token response and from the
	// callback's query (ConnectionMetadata).
	TokenResponseMetadata []string         `yaml:"token_response_metadata"`
	RedirectURIMetadata   []string         `yaml:"redirect_uri_metadata"`
	Docs                  string           `yaml:"docs"`
	DocsConnect           string           `yaml:"docs_connect"`
	SetupGuideURL         string           `yaml:"setup_guide_url"`
	ConnectionConfig      map[string]Field `yaml:"connection_config"`
	Credentials           map[string]Field `yaml:"credentials"`
	// Alias names the provider this entry inherits from; Get has already
	// applied it (the field is kept to say where the entry came from).
	Alias string `yaml:"alias"`
}

// Proxy is how the provider's API is called.
type Proxy struct {
	// BaseURL is a template (${connectionConfig.subdomain}…); "||"
	// separates alternatives, the first that resolves wins.
	BaseURL      string            `yaml:"base_url"`
	Headers      map[string]string `yaml:"headers"` // templates: ${apiKey}, ${accessToken}…
	Query        map[string]string `yaml:"query"`   // templates
	Retry        *Retry            `yaml:"retry"`
	Decompress   bool              `yaml:"decompress"`
	Paginate     *Paginate         `yaml:"paginate"`
	Verification *Verification     `yaml:"verification"`
}

// Retry names the response headers that say when to retry. Nango writes
// each as a name or a list of names; ferry's HTTP capability reads the
// first.
type Retry struct {
	At        StringList `yaml:"at"`         // a reset time (epoch or date)
	After     StringList `yaml:"after"`      // seconds to wait
	Remaining StringList `yaml:"remaining"`  // "0": retry
	ErrorCode StringList `yaml:"error_code"` // statuses to retry: "429", "5xx"…
}

// Paginate is the provider's default pagination, merged under a
// function's own paginate settings.
type Paginate struct {
	Type                    string `yaml:"type"` // cursor | link | offset
	Limit                   *int   `yaml:"limit"`
	LimitNameInRequest      string `yaml:"limit_name_in_request"`
	ResponsePath            string `yaml:"response_path"`
	InBody                  *bool  `yaml:"in_body"`
	CursorPathInResponse    string `yaml:"cursor_path_in_response"`
	CursorNameInRequest     string `yaml:"cursor_name_in_request"`
	LinkRelInResponseHeader string `yaml:"link_rel_in_response_header"`
	LinkPathInResponseBody  string `yaml:"link_path_in_response_body"`
	OffsetNameInRequest     string `yaml:"offset_name_in_request"`
	OffsetStartValue        *int   `yaml:"offset_start_value"`
	OffsetCalculationMethod string `yaml:"offset_calculation_method"` // by-response-size | per-page
}

// Verification is the call that checks a connection's credentials.
type Verification struct {
	Method          string            `yaml:"method"`
	Endpoints       []string          `yaml:"endpoints"`
	BaseURLOverride string            `yaml:"base_url_override"`
	Headers         map[string]string `yaml:"headers"`
}

// Field describes a connection_config or credentials field a connection
// is created with.
type Field struct {
	Type         string   `yaml:"type"`
	Title        string   `yaml:"title"`
	Description  string   `yaml:"description"`
	Example      string   `yaml:"example"`
	Pattern      string   `yaml:"pattern"`
	Format       string   `yaml:"format"`
	Prefix       string   `yaml:"prefix"`
	Suffix       string   `yaml:"suffix"`
	DefaultValue string   `yaml:"default_value"`
	Enum         []string `yaml:"enum"`
	Order        int      `yaml:"order"`
	Optional     bool     `yaml:"optional"`
	Secret       bool     `yaml:"secret"`
	Automated    bool     `yaml:"automated"`
	Hidden       bool     `yaml:"hidden"`
	DocSection   string   `yaml:"doc_section"`
}
