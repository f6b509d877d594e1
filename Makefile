# Eightfold's build. `make run` and `make test` install what is missing first.
SHELL := /bin/bash
DIR ?= .
BIN := build/bin/eightfold
DESKTOP_BIN := build/bin/eightfold-desktop
GO_TAGS := desktop,production,webkit2_41
FRONTEND_SRC := $(shell find frontend/src frontend/index.html frontend/package.json frontend/vite.config.ts frontend/tsconfig.json -type f 2>/dev/null)
GO_SRC := $(shell find . -name '*.go' -not -path './frontend/*' 2>/dev/null) go.mod go.sum

.PHONY: run test build deps deps-test frontend test-go test-frontend test-e2e test-desktop bench clean

## run: install what is missing, build, and open the workbench on DIR (default: here)
run: deps build
	$(BIN) open $(DIR)

## test: install what is missing and run every test
test: deps-test frontend
	$(MAKE) --no-print-directory test-go test-frontend test-e2e test-desktop

deps:
	build/scripts/deps.sh run

deps-test:
	build/scripts/deps.sh test

## build: build/bin/eightfold, one pure-Go binary with all three faces. The desktop face
## (cgo, GTK, WebKit) is built first and carried inside it, packed; see launcher.go.
build: $(BIN)

$(DESKTOP_BIN): frontend/dist/index.html $(GO_SRC)
	CGO_ENABLED=1 go build -tags $(GO_TAGS) -ldflags "-w -s" -o $@ .

$(DESKTOP_BIN).zst: $(DESKTOP_BIN)
	go run ./build/pack $< $@

$(BIN): $(DESKTOP_BIN).zst frontend/dist/index.html $(GO_SRC)
	CGO_ENABLED=0 go build -tags launcher -ldflags "-w -s" -o $@ .

frontend: frontend/dist/index.html

frontend/dist/index.html: $(FRONTEND_SRC) frontend/package-lock.json
	cd frontend && npm run build

test-go: build
	go vet ./...
	go vet -tags desktop,webkit2_41 .
	go vet -tags launcher .
	go test -race -count=1 ./...

test-frontend:
	cd frontend && npm run check && npm test

test-e2e: build
	cd frontend && EIGHTFOLD_BIN=$(CURDIR)/$(BIN) npm run test:e2e

test-desktop: build
	build/scripts/desktop-smoke.sh $(BIN)
	build/scripts/desktop-demo.sh $(BIN)

## bench: the benchmarks recorded in docs/benchmarks.md
bench: build
	bench/run-all.sh $(BIN)

clean:
	rm -rf build/bin frontend/dist test-artifacts
