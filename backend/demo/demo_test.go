package demo

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"eightfold/backend/config"
	"eightfold/backend/store"
	"eightfold/backend/workbench"
)

// goIn runs the go command in dir and returns its output and whether it succeeded.
func goIn(t *testing.T, dir string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err == nil
}

func gitIn(t *testing.T, dir string, args ...string) string {
	t.Helper()
	out, err := exec.Command("git", append([]string{"-C", dir}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("git %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func create(t *testing.T, dir string) (Result, string) {
	t.Helper()
	home := t.TempDir()
	res, err := Create(Options{Dir: dir, Home: home})
	if err != nil {
		t.Fatal(err)
	}
	return res, home
}

func TestCreateWritesAProjectThatBuildsAndTests(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	res, _ := create(t, filepath.Join(parent, "shop"))
	if res.Dir != filepath.Join(parent, "shop") || res.Commits != len(history) || res.Cards != len(cards) || res.Linked != 4 {
		t.Errorf("result %+v", res)
	}
	if out, ok := goIn(t, res.Dir, "vet", "./..."); !ok {
		t.Fatalf("go vet in the demo:\n%s", out)
	}
	if out, ok := goIn(t, res.Dir, "test", "-count=1", "./..."); !ok {
		t.Fatalf("go test in the demo:\n%s", out)
	}
	if out, ok := goIn(t, res.Dir, "build", "-o", "bin/shop", "."); !ok {
		t.Fatalf("go build in the demo:\n%s", out)
	}
	if st := gitIn(t, res.Dir, "status", "--porcelain"); st != "" {
		t.Errorf("the demo's tree is not clean after its last commit:\n%s", st)
	}
	files, err := render(res)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		if got, _ := os.ReadFile(filepath.Join(res.Dir, name)); string(got) != want {
			t.Errorf("%s is not its final version", name)
		}
	}
}

func TestTheTourEdits(t *testing.T) {
	t.Parallel()
	res, _ := create(t, filepath.Join(t.TempDir(), "shop"))
	steps := []struct {
		edit   Edit
		passes bool
	}{
		{BreakTest, false},
		{BreakTest.Undo(), true},
		{BreakHealth, true}, // health has no test: the broken build releases
		{BreakHealth.Undo(), true},
	}
	for _, s := range steps {
		if err := s.edit.Apply(res.Dir); err != nil {
			t.Fatal(err)
		}
		out, ok := goIn(t, res.Dir, "test", "-count=1", "./...")
		if ok != s.passes {
			t.Fatalf("after %+v the tests pass: %v, want %v\n%s", s.edit, ok, s.passes, out)
		}
		if !ok && !strings.Contains(out, "TestTotal/exactly_50.00_ships_free") {
			t.Errorf("after %+v another test fails:\n%s", s.edit, out)
		}
	}
	if err := BreakTest.Undo().Apply(res.Dir); err == nil || !strings.Contains(err.Error(), "no line reads") {
		t.Errorf("an edit whose line is not there: %v", err)
	}
}

func TestConfigHasTwoLocalTargetsOnFreePorts(t *testing.T) {
	parent := t.TempDir()
	res, _ := create(t, filepath.Join(parent, "shop"))
	cfg, err := config.Load(res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Steps) != 2 || cfg.Steps[0].Artifacts[0] != "bin/shop" || !config.IsGoTestJSON(cfg.Steps[1].Run) {
		t.Errorf("steps %+v", cfg.Steps)
	}
	if strings.Join(cfg.TargetOrder, ",") != "staging,production" || cfg.Targets["production"].PromoteFrom != "staging" {
		t.Fatalf("targets %v", cfg.TargetOrder)
	}
	for i, tg := range res.Targets {
		c := cfg.Targets[tg.Name]
		if !c.Local || c.Path != filepath.Join(parent, "shop-targets", tg.Name) || c.Path != tg.Path || c.Health.URL != tg.HealthURL() || c.Stop == "" {
			t.Errorf("target %s: %+v, want %+v", tg.Name, c, tg)
		}
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(tg.Port))
		if err != nil {
			t.Errorf("port %d of %s is not free: %v", tg.Port, tg.Name, err)
			continue
		}
		l.Close()
		if i > 0 && tg.Port == res.Targets[0].Port {
			t.Errorf("both targets on port %d", tg.Port)
		}
	}
}

func TestHistoryAndBoard(t *testing.T) {
	now := time.Now()
	res, home := create(t, filepath.Join(t.TempDir(), "shop"))
	log := strings.Split(strings.TrimSpace(gitIn(t, res.Dir, "log", "--format=%an <%ae>|%cn|%ct|%s")), "\n")
	if len(log) != len(history) {
		t.Fatalf("%d commits, want %d", len(log), len(history))
	}
	last := now.Unix() + 1
	for i, line := range log { // newest first
		f := strings.Split(line, "|")
		at, _ := strconv.ParseInt(f[2], 10, 64)
		if f[0] != "Eightfold Demo <demo@eightfold.invalid>" || f[1] != "Eightfold Demo" || at >= last || at < now.Add(-7*24*time.Hour).Unix() {
			t.Errorf("commit %d: %s", i, line)
		}
		last = at
	}
	if got := strings.TrimSpace(gitIn(t, res.Dir, "branch", "--show-current")); got != "main" {
		t.Errorf("branch %q", got)
	}

	s, err := store.OpenReadOnly(home)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := workbench.OpenExisting(s, res.Dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Board()
	if err != nil {
		t.Fatal(err)
	}
	where := map[string][]string{}
	for _, c := range b.Columns {
		for _, card := range c.Cards {
			where[c.Name] = append(where[c.Name], card.Key)
		}
	}
	if strings.Join(where["Plan"], " ") != "#5 #6" || strings.Join(where["Code"], " ") != "#1 #2 #3 #4" {
		t.Errorf("board: %v", where)
	}
}

func TestCreateRefusesANonEmptyDir(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "mine")
	os.Mkdir(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644)
	_, err := Create(Options{Dir: dir, Home: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "is not empty (it holds notes.txt)") {
		t.Fatalf("error %v", err)
	}
	if entries, _ := os.ReadDir(parent); len(entries) != 1 {
		t.Errorf("the parent holds %d entries, want only mine", len(entries))
	}
	if _, err := Create(Options{Dir: filepath.Join(parent, "no", "such"), Home: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "its parent does not exist") {
		t.Errorf("a dir whose parent is missing: %v", err)
	}
}

func TestUsedPortsAreSkipped(t *testing.T) {
	parent := t.TempDir()
	first, _ := create(t, filepath.Join(parent, "one"))
	used := usedPorts(parent)
	for _, tg := range first.Targets {
		if !used[tg.Port] {
			t.Errorf("port %d of the first demo is not seen as used: %v", tg.Port, used)
		}
	}
	if _, err := freePorts(2, map[int]bool{}); err != nil {
		t.Fatal(err)
	}
}
