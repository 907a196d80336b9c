# ferry's build. `make help` lists the targets.
GO       ?= go
BIN      := bin/ferry
PLUGINS  := plugins/build
DATA     ?= ferry-data

.PHONY: help build plugins test bench run vet lint check tidy clean

help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

build: ## build bin/ferry
	$(GO) build -o $(BIN) ./cmd/ferry

plugins: build ## build the example functions into plugins/build
	$(BIN) compile --out $(PLUGINS) plugins

test: node_modules build ## run every test (builds the Wasm guests it needs), then ferry test on the examples
	$(GO) test -race -count=1 ./...
	$(BIN) test plugins

node_modules: package.json package-lock.json ## npm packages (zod) of the TypeScript examples and tests
	npm ci --no-audit --no-fund
	@touch node_modules

bench: ## run the benchmarks reported in docs/BENCHMARKS.md
	$(GO) test -run '^$$' -bench . -benchmem -benchtime 2s ./store/ ./bundle/ ./hostfns/ ./host/ ./jscompile/ ./vault/ ./netguard/ ./schedule/ ./outbox/ ./server/
	$(GO) test -run '^$$' -bench IdleSchedules -benchtime 1x ./cmd/ferry/

run: build node_modules ## the server on ./ferry-data, the example integrations and functions deployed
	$(BIN) serve --data $(DATA) --functions plugins

vet: ## go vet, for the host and the guests
	$(GO) vet ./...
	cd plugins && GOOS=wasip1 GOARCH=wasm $(GO) vet ./...

lint: vet ## gofmt check plus vet, and the dashboard's script parses
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "not gofmt-ed:"; echo "$$out"; exit 1; fi
	node --check ui/static/assets/app.js

tidy: ## go mod tidy must leave no diff
	$(GO) mod tidy && git diff --exit-code go.mod go.sum

check: lint tidy test ## everything CI checks

clean:
	rm -rf bin $(PLUGINS)
