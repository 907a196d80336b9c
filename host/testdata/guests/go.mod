module ferry.test/guests

go 1.26

require (
	github.com/extism/go-pdk v1.1.3
	github.com/ferryhq/ferry/plugins v0.0.0
)

replace github.com/ferryhq/ferry/plugins => ../../../plugins
