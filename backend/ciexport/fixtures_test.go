package ciexport

import (
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"eightfold/backend/config"
)

// project is a sample repository: its files, and the branch its origin names as HEAD.
type project struct {
	name   string
	files  map[string]string
	branch string // the branch committed on; "" is main
	origin string // the default branch origin/HEAD names; "" sets none
}

const goMod = "module example.com/shop\n\ngo 1.26.0\n\ntoolchain go1.26.1\n\nrequire github.com/google/uuid v1.6.0\n"

// projects are the Go, Node and mixed repositories the goldens are made from, and a Go
// one whose steps name their CI jobs with group:.
var projects = []project{
	{name: "go", branch: "trunk", origin: "trunk", files: map[string]string{
		"go.mod": goMod,
		"go.sum": "github.com/google/uuid v1.6.0 h1:NIvaJDMOsjHA8n1jAhLSgzrAzy1Hgr+hNrb57e+94F0=\n",
		"eightfold.yaml": `env:
  GOFLAGS: -mod=readonly
steps:
  - name: vet
    run: go vet ./...
  - name: build
    run: go build -o bin/shop ./cmd/shop
    artifacts: [bin/shop]
    env:
      CGO_ENABLED: "0"
  - name: test
    run: go test -race -json ./...
    timeout: 10m
    env:
      SHOP_TEST_DB: memory
targets:
  staging:
    ssh: deploy@staging.example.com
    path: /srv/shop
    start: systemctl --user restart shop
    health: { url: "http://staging.example.com:8080/healthz" }
    secrets: [SHOP_API_TOKEN]
  production:
    ssh: deploy@shop.example.com:2222
    path: /srv/shop
    start: systemctl --user restart shop
    health: { url: "https://shop.example.com/healthz" }
    secrets: [SHOP_API_TOKEN, SHOP_DB_PASSWORD]
    promote_from: staging
ci:
  install: go install example.com/eightfold@v0.4.0
`}},
	{name: "node", files: map[string]string{
		"package.json":      `{"name": "web", "engines": {"node": ">=22"}, "scripts": {"build": "vite build", "test": "vitest run"}}` + "\n",
		"package-lock.json": `{"name": "web", "lockfileVersion": 3, "packages": {}}` + "\n",
		"eightfold.yaml": `steps:
  - name: lint
    run: npm run lint
  - name: build
    run: npm run build
    artifacts: [dist]
  - name: test
    run: npx vitest run --reporter=junit --outputFile=reports/junit.xml
    report: junit:reports/*.xml
targets:
  staging:
    ssh: web@203.0.113.10
    path: /srv/web
`}},
	{name: "mixed", files: map[string]string{
		"go.mod":            "module example.com/app\n\ngo 1.25\n",
		"package.json":      `{"name": "ui", "scripts": {"build": "vite build"}}` + "\n",
		"package-lock.json": `{"name": "ui", "lockfileVersion": 3, "packages": {}}` + "\n",
		".python-version":   "3.12\n",
		"requirements.txt":  "pytest==8.3.4\n",
		"eightfold.yaml": `steps:
  - name: ui
    run: npm run build
    artifacts: ["frontend/dist/**/*.js", frontend/dist/index.html]
  - name: build
    run: |
      go generate ./...
      go build -o bin/app .
    artifacts: [bin/app]
  - name: test
    run: go test -json ./... | tee test.log
    report: go-test-json
    retries: 2
  - name: pytest
    run: python -m pytest --junitxml=reports/pytest.xml tests/
    report: junit:reports/pytest.xml
  - name: package
    run: tar -czf dist/app.tar.gz bin/app
    artifacts: [dist/app.tar.gz]
targets:
  staging:
    ssh: deploy@203.0.113.10
    path: /srv/app
  qa:
    ssh: deploy@203.0.113.11
    path: /srv/app
    promote_from: staging
  production:
    ssh: deploy@203.0.113.20
    identity: ~/.ssh/deploy_prod
    path: /srv/app
    secrets: [APP_SECRET_KEY]
    promote_from: staging
  eu:
    ssh: deploy@203.0.113.30
    path: /srv/app
    promote_from: production
  web:
    hosts: [deploy@203.0.113.40, "deploy@203.0.113.41:2222"]
    jump: ops@bastion.example.com
    parallel: 1
    path: /srv/app
    promote_from: staging
  laptop:
    local: true
    path: /tmp/app-deploy
ci:
  install: |
    curl -fsSL https://example.com/eightfold/install.sh | sh -s -- -b "$HOME/.local/bin"
`}},
	{name: "go-groups", files: map[string]string{
		"go.mod": "module example.com/api\n\ngo 1.26\n",
		"eightfold.yaml": `steps:
  - name: vet
    run: go vet ./...
    group: checks
  - name: generated
    run: go generate ./... && git diff --exit-code
    group: checks
  - name: build
    run: go build -o bin/api ./cmd/api
    artifacts: [bin/api]
  - name: unit
    run: go test -json ./internal/...
    group: unit
  - name: integration
    run: go test -json -tags integration ./integration/...
    timeout: 20m
    group: integration
  - name: smoke
    run: go test -json ./cmd/...
targets:
  staging:
    ssh: deploy@203.0.113.50
    path: /srv/api
ci:
  install: go install example.com/eightfold@v0.4.0
`}},
}

// make writes the project as a git repository with one commit, and an origin/HEAD when
// it names one.
func (pr project) make(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range pr.files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	branch := pr.branch
	if branch == "" {
		branch = "main"
	}
	runGit(t, dir, "init", "-q", "-b", branch)
	runGit(t, dir, "add", "-A")
	runGit(t, dir, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-q", "-m", "start")
	if pr.origin != "" {
		runGit(t, dir, "update-ref", "refs/remotes/origin/"+pr.origin, "HEAD")
		runGit(t, dir, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/"+pr.origin)
	}
	return dir
}

// runGit runs git in dir.
func runGit(t testing.TB, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
}

// TestFixturesRunOnARunner: the sample projects are ones a runner could run; go test -race
// needs cgo, so no step with -race may see CGO_ENABLED=0.
func TestFixturesRunOnARunner(t *testing.T) {
	for _, pr := range projects {
		cfg, err := config.Load(pr.make(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range cfg.Steps {
			env := maps.Clone(cfg.Env)
			if env == nil {
				env = map[string]string{}
			}
			maps.Copy(env, s.Env)
			if strings.Contains(s.Run, "-race") && env["CGO_ENABLED"] == "0" {
				t.Errorf("%s: step %s runs -race with CGO_ENABLED=0, which fails on every runner", pr.name, s.Name)
			}
		}
	}
}
