# Atlas des communs — developer commands. `make run` and `make test` are the
# two front-door commands of the README.
GO       ?= go
BIN      ?= bin/atlas
PKG      := ./...

.PHONY: run build assets test test-sqlite lint migration fuzz bench bench-pictures bench-readers bench-go vulncheck clean

## run: build bin/atlas and serve on :8080 with an embedded SQLite database
## under ./data. The binary replaces the recipe's shell (exec) rather than
## running under `go run`, which exits 1 when interrupted: on Ctrl-C the
## server stops gracefully and exits 0, and make reports no error.
run: assets
	$(GO) build -o $(BIN) ./cmd/atlas
	exec ./$(BIN) serve

## build: a static binary in bin/atlas, front-end files included
build: assets
	CGO_ENABLED=0 $(GO) build -trimpath -o $(BIN) ./cmd/atlas

## assets: install the npm packages (package-lock.json), copy their built
## files into public/vendor, which the binary embeds (Leaflet for the maps,
## Leaflet-Geoman for drawing a place's outline or route in the editor),
## and bundle our editor (public/src/editor: CodeMirror 6, Yjs for live
## co-writing) with esbuild into public/vendor/editor. Skipped when the
## copies are newer than package-lock.json and the bundle newer than every
## file of public/src. Without npm, or when npm cannot reach its registry,
## the atlas still builds and runs: the map page falls back to its list of
## places, the editor is the plain text field, and a message says so.
LEAFLET := public/vendor/leaflet/leaflet.js
EDITOR  := public/vendor/editor/editor.js
assets:
	@if [ -f $(LEAFLET) ] && [ $(LEAFLET) -nt package-lock.json ] && [ -f $(EDITOR) ] && \
		[ -z "$$(find public/src package-lock.json -newer $(EDITOR) -print -quit)" ]; then exit 0; fi; \
	if ! command -v npm >/dev/null 2>&1; then \
		echo "assets: npm not found: the map will show as a list of places and the editor as a plain text field, without live co-writing (install Node.js for both)"; \
	elif { [ node_modules/.package-lock.json -nt package-lock.json ] || \
		npm ci --no-audit --no-fund --loglevel=error --fetch-retries=1 --fetch-timeout=20000; }; then \
		rm -rf public/vendor/leaflet public/vendor/geoman public/vendor/editor && mkdir -p public/vendor/leaflet public/vendor/geoman && \
		cp -r node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/dist/images public/vendor/leaflet/ && \
		cp node_modules/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js node_modules/@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css public/vendor/geoman/ && \
		touch $(LEAFLET) && \
		node_modules/.bin/esbuild public/src/editor/main.js --bundle --format=iife --minify --target=es2020 \
			--log-level=warning --outfile=$(EDITOR); \
	else \
		echo; \
		echo "assets: npm ci failed (is the npm registry reachable?). The atlas builds anyway:"; \
		echo "assets: the map will show as a list of places, the editor as a plain text field without"; \
		echo "assets: live co-writing. Run 'make assets' again once npm works."; \
		echo; \
	fi

## test: every test with the race detector, on SQLite and on PostgreSQL
## (the local server, or ATLAS_TEST_DATABASE_URL; set it to "off" to skip).
## It builds the front-end assets first, so the browser suite walks the
## CodeMirror editor and live co-writing rather than skipping them.
## Needs Chromium at /usr/bin/chromium for the browser suite. A suite that
## could not run here (tests record it through testutil.SkipSuite) is
## listed in a banner at the end; CI (.ci/run) fails on it instead.
## The race detector watches every package of the atlas's own code. The
## browser and stress suites (test/...) drive a server binary built apart,
## without it, so they run without it too, beside the others: under -race
## their load generators and browser driver only cost CPU the other suites
## need, and skew the latencies the stress suite measures.
## The time limit is per package: the stress suite (crash loops, instances,
## hostile load on both databases) runs longer than go test's default 10 min
## on a loaded two-core machine.
CODE_PKGS = $$($(GO) list $(PKG) | grep -v '^atlas/test/')
test: assets
	$(GO) vet $(PKG)
	@echo '$(GO) test -race -count=1 -timeout 30m <every package but test/...>  &  $(GO) test -count=1 -timeout 30m ./test/...'
	$(call with_skips_banner,( $(GO) test -race -count=1 -timeout 30m $(CODE_PKGS) & code=$$!; \
		$(GO) test -count=1 -timeout 30m ./test/...; suites=$$?; wait $$code && exit $$suites ))

## test-sqlite: the same suite on SQLite only
test-sqlite: assets
	@echo 'ATLAS_TEST_DATABASE_URL=off $(GO) test -count=1 -timeout 30m $(PKG)'
	$(call with_skips_banner,ATLAS_TEST_DATABASE_URL=off $(GO) test -count=1 -timeout 30m $(PKG))

# with_skips_banner runs a test command with ATLAS_TEST_SKIPS pointing at a
# fresh file, then prints what it recorded, whatever the command's status.
with_skips_banner = @skips=$$(mktemp); status=0; export ATLAS_TEST_SKIPS=$$skips; \
	$(1) || status=$$?; \
	if [ -s $$skips ]; then \
		echo; echo '================================================================================'; \
		echo '!! WHOLE SUITES WERE SKIPPED: this run did not test everything.'; \
		sort -u $$skips | sed 's/^/!!   - /'; \
		echo '!! CONTRIBUTING.md says what each suite needs. CI fails on a skipped suite.'; \
		echo '================================================================================'; \
	fi; rm -f $$skips; exit $$status

## lint: formatting, vet and golangci-lint (.golangci.yml), found on PATH or
## in $(go env GOPATH)/bin; .ci/run installs the pinned version
GOLANGCI_LINT_VERSION := v2.15.0
GOLANGCI_LINT ?= $(shell command -v golangci-lint 2>/dev/null || echo "$$($(GO) env GOPATH)/bin/golangci-lint")
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKG)
	@if [ ! -x "$(GOLANGCI_LINT)" ]; then \
		echo "lint: golangci-lint not found on PATH nor in $$($(GO) env GOPATH)/bin. Install it with:"; \
		echo "lint:   $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION)"; \
		exit 1; \
	fi
	$(GOLANGCI_LINT) run $(PKG)

## fuzz: run each fuzz target briefly (FUZZTIME=30s for longer). Go 1.26's
## fuzzing coordinator can fail a target at the time limit with "context
## deadline exceeded" although nothing failed (a race fixed in Go 1.27): such
## a run writes no failing input, so it is tried once more; a failure that
## writes an input under testdata/fuzz, or fails twice, fails the target.
FUZZTIME ?= 10s
FUZZ_TARGETS := FuzzCompare:./internal/diff FuzzMerge3:./internal/diff FuzzRender:./internal/render \
	FuzzSlug:./internal/document FuzzRoundTrip:./internal/delta FuzzApply:./internal/delta \
	FuzzAPISave:./internal/web FuzzFormSave:./internal/web
fuzz:
	@for target in $(FUZZ_TARGETS); do \
		name=$${target%%:*}; pkg=$${target#*:}; \
		for try in 1 2; do \
			before=$$(ls $$pkg/testdata/fuzz/$$name 2>/dev/null | wc -l); \
			if $(GO) test -run='^$$' -fuzz=$$name -fuzztime=$(FUZZTIME) $$pkg; then break; fi; \
			after=$$(ls $$pkg/testdata/fuzz/$$name 2>/dev/null | wc -l); \
			if [ $$after -gt $$before ] || [ $$try = 2 ]; then echo "fuzz: $$name failed"; exit 1; fi; \
			echo "fuzz: $$name stopped at its time limit without a failing input; trying once more"; \
		done; \
	done

## bench: the load benchmarks against a plain Fiber hello server, pinned to
## one core each, written to docs/BENCHMARKS.md (BENCH_PG=postgres://… adds
## a PostgreSQL run on a database it may fill)
BENCH_SECONDS ?= 10
bench:
	$(GO) build -o bin/bench-run ./bench/run
	taskset -c 1 bin/bench-run -seconds $(BENCH_SECONDS) $(if $(BENCH_PG),-postgres '$(BENCH_PG)')

## bench-readers: only the readers without a page cache (the signed-in
## history page at depth 5,000, the three uncached API reads) in rounds
## beside H, SQLite, as a table on standard output; docs/BENCHMARKS.md is
## left as it is
bench-readers:
	$(GO) build -o bin/bench-run ./bench/run
	taskset -c 1 bin/bench-run -readers -seconds $(BENCH_SECONDS)

## bench-pictures: issue 14's picture probes alone (a 20 KB sheet page with
## three pictures against T1, a 640 px copy from the cache), SQLite, as a
## table on standard output; docs/BENCHMARKS.md is left as it is
bench-pictures:
	$(GO) build -o bin/bench-run ./bench/run
	taskset -c 1 bin/bench-run -seconds $(BENCH_SECONDS) -pictures

## bench-go: Go micro-benchmarks (delta, diff, merge, render, revision storage, saves, blame, search, map)
bench-go:
	$(GO) test -run='^$$' -bench=. -benchmem ./internal/delta ./internal/diff ./internal/render ./internal/store ./internal/read ./internal/sheet ./internal/web

## migration NAME=x: create the pair of migration files with the next number
migration:
	@test -n "$(NAME)" || { echo "usage: make migration NAME=what_it_does"; exit 2; }
	@n=$$(printf '%04d' $$(( $$(ls migrations/sqlite/*.sql | wc -l) + 1 ))); \
	for d in postgres sqlite; do printf -- '-- %s %s: say what changes and why.\n' $$n "$(NAME)" > migrations/$$d/$${n}_$(NAME).sql; done; \
	ls migrations/*/$${n}_$(NAME).sql

## vulncheck: known vulnerabilities in the dependencies (needs vuln.go.dev,
## which this project's CI machines cannot reach)
vulncheck:
	$(GO) run golang.org/x/vuln/cmd/govulncheck@latest ./...

clean:
	rm -rf bin node_modules public/vendor/leaflet public/vendor/geoman
