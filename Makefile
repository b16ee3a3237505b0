# Till: make run (demo: head office + simulated devices + register), make test.
SHELL := /bin/bash
GO ?= go
BIN := bin
DATA ?= $(CURDIR)/till-data
# Every package but the GUI binary builds and tests without cgo.
NOCGO_PKGS = $$($(GO) list ./... | grep -v '/cmd/register$$')
# make fuzz: time per target. make test fuzzes by count (FUZZ_EXECS): a
# duration -fuzztime can fail on Go 1.26's coordinator race (golang/go#75804).
FUZZTIME ?= 3s
FUZZ_EXECS ?= 2000x
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: longday all deps deps-hq soak build run test test-go test-gui test-fuzz fuzz bench check screenshots clean staging staging-short

all: build

deps:
	@./.ci/deps $(if $(CI),,gui)

# The head-office store suite runs on a throwaway PostgreSQL cluster (pgtest);
# the dashboard test drives headless Chromium. Installing both: ~30 s each.
deps-hq:
	@./.ci/deps hq

build: deps
	@mkdir -p $(BIN)
	CGO_ENABLED=0 $(GO) build -o $(BIN)/ ./cmd/headoffice ./cmd/devicesim
	$(GO) build -o $(BIN)/ ./cmd/register

run: build
	@DATA="$(DATA)" BIN="$(BIN)" ./packaging/run-demo.sh

# check first: a formatting or vet slip fails in seconds, not after the tests.
test: deps deps-hq check test-go test-gui test-fuzz
	@echo "make test: all passed"

# Staging's short run is part of make test (kept on its own line for merges).
test: staging-short

test-go:
	CGO_ENABLED=0 $(GO) test -count=1 $(NOCGO_PKGS)

# The register binary needs cgo and OpenGL headers; its tests run headless.
# They also check that LANG=C starts the GUI quietly (locale_test.go).
test-gui:
	$(GO) test -count=1 ./cmd/register

# Every fuzz target for FUZZ_EXECS executions: no wall clock to race.
test-fuzz:
	@GO=$(GO) ./.ci/fuzz $(FUZZ_EXECS)

# Every fuzz target for FUZZTIME (longer: make fuzz FUZZTIME=5m). Fails only
# on a real finding (a failing input, written under testdata/fuzz).
fuzz:
	@GO=$(GO) ./.ci/fuzz $(FUZZTIME)

# Exactly-once sync under 10,000 injected faults per head-office backend
# (make test runs 1,000): drops, resets, 5xx, truncated JSON, duplicates,
# head-office restarts mid-batch. About 3 minutes on two cores.
# TILL_SEED (default 42) fixes the schedule: the same seed, the same run.
soak: deps-hq soak-powercut
	set -o pipefail; TILL_SEED=$${TILL_SEED:-42} TILL_SOAK_FAULTS=10000 CGO_ENABLED=0 $(GO) test -count=1 -timeout=60m -run='^TestExactlyOnceUnderFaults$$' -v ./sync/synce2e/ | grep -v '^=== '

# Power cuts (issue 17): the register's and the head office's SQLite run on
# store/powercut, a FUSE file system that keeps unsynced writes in memory and
# cuts the power. test-go runs 60 + 60 cuts as ordinary tests (skipped only
# without /dev/fuse or root); soak-powercut runs POWERCUT_CUTS of each
# (1,000 + 1,000; over half an hour on two shared cores, as each check reads
# the whole grown database). Every run logs its seed; TILL_SEED=<seed>
# replays its cut decisions.
export TILL_SEED
POWERCUT_CUTS ?= 1000
.PHONY: test-powercut soak-powercut
test-powercut:
	set -o pipefail; CGO_ENABLED=0 $(GO) test -count=1 -v ./store/powercut/ | grep -E '^(--- |ok|FAIL|PASS)|seed'
	set -o pipefail; CGO_ENABLED=0 $(GO) test -count=1 -run='^(TestPowerCut|TestSQLitePowerCut)$$' -v ./store/ ./store/hqstore/ | grep -E '^(--- |ok|FAIL)|seed|power cuts|SKIP'

soak-powercut:
	set -o pipefail; TILL_POWERCUT_CUTS=$(POWERCUT_CUTS) CGO_ENABLED=0 $(GO) test -count=1 -timeout=60m -run='^(TestPowerCut|TestSQLitePowerCut)$$' -v ./store/ ./store/hqstore/ | grep -E '^(--- |ok|FAIL)|seed|power cuts|SKIP|Error|_test.go'

# Staging (docs/STAGING.md): PostgreSQL, two head offices behind HAProxy,
# Prometheus with the alert rules, 20 registers in 4 stores through a
# compressed day, reconciliation, exactly-once under faults against both
# head offices. About 9 minutes on two cores; the report goes to docs/staging/.
STAGING_OUT ?= docs/staging
staging: deps-hq
	@mkdir -p $(BIN)
	CGO_ENABLED=0 $(GO) build -o $(BIN)/ ./cmd/headoffice ./cmd/staging
	$(BIN)/staging -headoffice $(BIN)/headoffice -out $(STAGING_OUT) $(STAGING_FLAGS)

# The make test version: 2 registers, about 2 minutes; report in a temp dir.
staging-short: deps-hq
	@mkdir -p $(BIN)
	CGO_ENABLED=0 $(GO) build -o $(BIN)/ ./cmd/headoffice ./cmd/staging
	$(BIN)/staging -short -headoffice $(BIN)/headoffice -out $$(mktemp -d)

bench:
	CGO_ENABLED=0 $(GO) test -run='^$$' -bench=. -benchmem $(NOCGO_PKGS)

check:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy"; exit 1; }
	CGO_ENABLED=0 $(GO) vet $(NOCGO_PKGS)
	$(GO) vet ./cmd/register
	$(GO) run $(STATICCHECK) ./...

screenshots: build
	@./.ci/deps gui
	@./packaging/screenshots.sh $(BIN)/register docs/screenshots
	@./.ci/deps hq
	CGO_ENABLED=0 $(GO) test -count=1 -run='^TestDashboardInChromium$$' ./app/backoffice/ -args -screenshot=$(CURDIR)/docs/screenshots/dashboard.png
	CGO_ENABLED=0 $(GO) test -count=1 -run='^TestReportsInChromium$$' ./app/backoffice/ -args -report-screenshots=$(CURDIR)/docs/screenshots

clean:
	rm -rf $(BIN)

# --- Packages (issue 12): make package -> dist/ ------------------------------
# .debs (nfpm) checked by lintian, the 'fyne package' tarball, and the
# Windows installer cross-built with mingw, test-signed and verified.
# VERSION defaults to packaging/VERSION. package-test installs the .debs
# into a throwaway root and purges them again (packaging/package-test.sh).
.PHONY: deps-pkg package package-deb package-fyne package-windows package-test

deps-pkg:
	@./.ci/deps pkg

package: deps-pkg
	./packaging/package.sh linux fyne windows

package-deb: deps-pkg
	./packaging/package.sh linux

package-fyne: deps-pkg
	./packaging/package.sh fyne

package-windows: deps-pkg
	./packaging/package.sh windows

package-test: package-deb
	./packaging/package-test.sh

# The long day (issue 11): 10,000 paced sales on the real store with a 5 ms
# idle before each commit and each bare fsync (a till idles 50-500 ms; 10,000
# of those would take 8+ minutes), clock injected; asserts RSS, X report time
# and the commit/fsync ratio. Takes ~3-5 minutes on a loaded two-core machine.
longday:
	TILL_LONGDAY_SALES=10000 TILL_LONGDAY_IDLE=5ms TILL_LONGDAY_STRICT=1 CGO_ENABLED=0 $(GO) test -count=1 -timeout 30m -run '^TestLongDay$$' -v ./store/
