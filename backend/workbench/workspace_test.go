package workbench

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"eightfold/backend/store"
)

// newWorkspace opens a workspace on a fresh data dir; it is closed when the test ends.
func newWorkspace(t *testing.T) (*Workspace, *recorder) {
	t.Helper()
	rec := &recorder{}
	w, err := OpenWorkspace(t.TempDir(), rec, WorkspaceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	return w, rec
}

// folder makes a temp folder holding the given eightfold.yaml (none when empty).
func folder(t *testing.T, yaml string) string {
	t.Helper()
	dir := t.TempDir()
	if yaml != "" {
		if err := os.WriteFile(filepath.Join(dir, "eightfold.yaml"), []byte(yaml), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// openWatched opens dir in w and waits until its watcher is ready.
func openWatched(t *testing.T, w *Workspace, dir string) *Project {
	t.Helper()
	p, err := w.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return p.WatchState().Watching })
	return p
}

// switches lists the paths of the project.switched events so far.
func switches(rec *recorder) []string {
	var out []string
	for _, e := range rec.snapshot() {
		if e.topic == TopicProjectSwitched {
			out = append(out, e.payload.(ProjectRef).Path)
		}
	}
	return out
}

const catStep = "steps:\n  - {name: a, run: 'cat *.txt 2>/dev/null; true'}\n"

// Two projects are open at once, each with its own watcher: a save in one runs that one
// only. Only the current project's run events reach the face.
func TestWorkspaceWatchesEachProject(t *testing.T) {
	w, rec := newWorkspace(t)
	a := openWatched(t, w, folder(t, catStep))
	b := openWatched(t, w, folder(t, catStep))
	if cur, _ := w.Current(); cur != b {
		t.Fatalf("current %v, want the project opened last", cur.Dir())
	}
	if got := switches(rec); !slices.Equal(got, []string{a.Dir(), b.Dir()}) {
		t.Errorf("project.switched to %q", got)
	}

	touch(t, a, "a.txt", "a\n")
	if runs := waitRuns(t, a, 1); runs[0].Trigger != TriggerChange || !slices.Equal(runs[0].Changed, []string{"a.txt"}) {
		t.Errorf("a's run %+v", runs[0])
	}
	if n := len(finished(t, b)); n != 0 {
		t.Errorf("a save in a ran b %d times", n)
	}
	if n := rec.count(TopicRunStarted) + rec.count(TopicRunFinished); n != 0 {
		t.Errorf("%d run events of a, which is not current, reached the face", n)
	}

	touch(t, b, "b.txt", "b\n")
	waitRuns(t, b, 1)
	waitFor(t, func() bool { return rec.count(TopicRunFinished) == 1 })
	if n := len(finished(t, a)); n != 1 {
		t.Errorf("a save in b: a has %d runs, want 1", n)
	}
	for _, e := range rec.snapshot() {
		if r, ok := e.payload.(RunInfo); ok && r.Project != b.Dir() {
			t.Errorf("%s of %s reached the face", e.topic, r.Project)
		}
	}
}

// A notice of a project that is not current still reaches the face; its other events do not.
func TestWorkspaceForwardsNoticesOfEveryProject(t *testing.T) {
	w, rec := newWorkspace(t)
	a := openWatched(t, w, folder(t, "steps:\n  - {name: check, run: 'test ! -f broken.txt'}\n"))
	openWatched(t, w, folder(t, catStep))
	touch(t, a, "fine.txt", "ok\n")
	waitRuns(t, a, 1)
	touch(t, a, "broken.txt", "x\n")
	waitFor(t, func() bool { return rec.count(TopicNotify) == 1 })
	var n Notice
	for _, e := range rec.snapshot() {
		switch e.topic {
		case TopicNotify:
			n = e.payload.(Notice)
		case TopicRunStarted, TopicRunUpdated, TopicRunFinished, TopicLogAppended, TopicProjectChanged:
			t.Errorf("%s of a, which is not current, reached the face", e.topic)
		}
	}
	if n.Kind != "run" || n.Level != NoticeFail {
		t.Errorf("notice %+v", n)
	}
}

// Closing a project stops its watcher and closes it; the project made current before it
// becomes current again, and closing the last leaves none.
func TestWorkspaceCloseProject(t *testing.T) {
	w, rec := newWorkspace(t)
	a := openWatched(t, w, folder(t, catStep))
	b := openWatched(t, w, folder(t, catStep))
	c := openWatched(t, w, folder(t, catStep))
	if _, err := w.Open(a.Dir()); err != nil { // a again: current, and b is now the oldest used
		t.Fatal(err)
	}
	if err := w.CloseProject(a.Dir()); err != nil {
		t.Fatal(err)
	}
	if cur, _ := w.Current(); cur != c {
		t.Errorf("after closing the current a, current is %s, want c (made current after b)", cur.Dir())
	}
	if a.WatchState().Watching {
		t.Error("a is still watched after closing")
	}
	touch(t, a, "a.txt", "a\n")
	touch(t, c, "c.txt", "c\n")
	waitRuns(t, c, 1)
	if n := len(finished(t, a)); n != 0 {
		t.Errorf("a closed project ran %d times on a save", n)
	}
	info, err := w.Projects()
	if err != nil {
		t.Fatal(err)
	}
	var open []string
	for _, o := range info.Open {
		open = append(open, o.Path)
		if o.Current != (o.Path == c.Dir()) || !o.Watching {
			t.Errorf("open project %+v", o)
		}
	}
	if info.Current != c.Dir() || !slices.Equal(open, []string{b.Dir(), c.Dir()}) {
		t.Errorf("current %s, open %q", info.Current, open)
	}
	if last := info.Open[1].LastRun; last == nil || last.Status != store.StatusPassed {
		t.Errorf("c's last run %+v", last)
	}
	for _, p := range []*Project{b, c} {
		if err := w.CloseProject(p.Dir()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.Current(); !isCode(err, CodeNoProject) || err.Error() != "no project is open: open a folder from the start screen" {
		t.Errorf("with none open: %v", err)
	}
	if got := switches(rec); !slices.Equal(got, []string{a.Dir(), b.Dir(), c.Dir(), a.Dir(), c.Dir(), ""}) {
		t.Errorf("project.switched to %q", got)
	}
	if err := w.CloseProject(a.Dir()); !isCode(err, CodeNotFound) {
		t.Errorf("closing a project that is not open: %v", err)
	}
}

// Recent projects are newest first, open or not, and a deleted folder shows exists=false.
func TestWorkspaceRecentProjects(t *testing.T) {
	w, _ := newWorkspace(t)
	gone := filepath.Join(t.TempDir(), "gone")
	if err := os.Mkdir(gone, 0o755); err != nil {
		t.Fatal(err)
	}
	a, b := folder(t, catStep), folder(t, "")
	for _, dir := range []string{gone, a, b} {
		if _, err := w.Open(dir); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.CloseProject(gone); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(gone); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Open(a); err != nil { // switching to an open project counts as opening it
		t.Fatal(err)
	}
	info, err := w.Projects()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range info.Recent {
		got = append(got, filepath.Base(r.Path))
		if r.Exists != (r.Path != gone) || r.Name != filepath.Base(r.Path) || r.OpenedMs == 0 {
			t.Errorf("recent %+v", r)
		}
	}
	if want := []string{filepath.Base(a), filepath.Base(b), "gone"}; !slices.Equal(got, want) {
		t.Errorf("recent %q, want %q", got, want)
	}
}

// Open refuses what is not a folder, and opens a folder that is not a git repository.
func TestWorkspaceOpenErrors(t *testing.T) {
	w, _ := newWorkspace(t)
	dir := folder(t, "")
	file := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	if _, err := w.Open(missing); !isCode(err, CodeNotFound) || !strings.Contains(err.Error(), missing) {
		t.Errorf("a missing folder: %v", err)
	}
	if _, err := w.Open(file); !isCode(err, CodeBadRequest) {
		t.Errorf("a file: %v", err)
	}
	p, err := w.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if info, err := p.Info(); err != nil || info.IsGit || info.Path != dir {
		t.Errorf("a plain folder: %+v, %v", info, err)
	}
}

// A first folder that does not open leaves the workspace with no project, and Projects says
// why (the start screen shows it) until a project opens.
func TestOpenOrExplainKeepsTheReason(t *testing.T) {
	w, _ := newWorkspace(t)
	missing := filepath.Join(folder(t, ""), "gone")
	w.OpenOrExplain(missing)
	info, err := w.Projects()
	if err != nil {
		t.Fatal(err)
	}
	if info.Current != "" || !strings.Contains(info.Problem, missing) || !strings.Contains(info.Problem, "no folder") {
		t.Errorf("after a missing first folder: current %q, problem %q", info.Current, info.Problem)
	}
	w.OpenOrExplain(folder(t, ""))
	if info, err = w.Projects(); err != nil || info.Current == "" || info.Problem != "" {
		t.Errorf("once a project is open: current %q, problem %q, %v", info.Current, info.Problem, err)
	}
}

func TestFolderPath(t *testing.T) {
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]string{"~": home, "~/src/app/": filepath.Join(home, "src/app"), "/srv/x/../app": "/srv/app"} {
		if got, err := FolderPath(in); err != nil || got != want {
			t.Errorf("FolderPath(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"src/app", ".", "", "~me/app"} {
		if _, err := FolderPath(in); !isCode(err, CodeBadRequest) {
			t.Errorf("FolderPath(%q): %v, want bad_request", in, err)
		}
	}
}

// Closing a project while a deploy of it goes is refused, naming the deploy; the deploy
// goes on and the project stays open and current. Once the deploy ends it closes.
func TestWorkspaceCloseProjectWhileDeploying(t *testing.T) {
	w, _ := newWorkspace(t)
	p := openWatched(t, w, folder(t, catStep))
	release, cancelled := make(chan struct{}), make(chan bool, 1)
	job := &deployJob{p: p, rec: store.Deploy{ID: 42, Target: "staging"}}
	if _, err := p.inBackground(job, func(ctx context.Context) {
		select {
		case <-release:
			cancelled <- false
		case <-ctx.Done():
			cancelled <- true
		}
	}); err != nil {
		t.Fatal(err)
	}
	err := w.CloseProject(p.Dir())
	want := filepath.Base(p.Dir()) + " is deploying to staging (deploy #42): wait for it to end or cancel it first"
	if !isCode(err, CodeConflict) || err.Error() != want {
		t.Fatalf("closing while deploying: %v, want a conflict %q", err, want)
	}
	if cur, _ := w.Current(); cur != p || !p.WatchState().Watching {
		t.Errorf("after the refusal: current %v, watching %v", cur, p.WatchState().Watching)
	}
	if _, err := p.StartRun(TriggerManual); err != nil {
		t.Errorf("a run after the refusal: %v", err)
	}
	close(release)
	if <-cancelled {
		t.Error("the refused close cancelled the deploy")
	}
	waitFor(t, func() bool { p.mu.Lock(); defer p.mu.Unlock(); return len(p.deploys) == 0 })
	if err := w.CloseProject(p.Dir()); err != nil {
		t.Fatalf("closing after the deploy ended: %v", err)
	}
	if _, err := w.Current(); !isCode(err, CodeNoProject) {
		t.Errorf("after closing: %v", err)
	}
}

// yieldingRecorder records events after letting other goroutines run, which widens the
// gap between a workspace's check of the current project and its emit.
type yieldingRecorder struct{ recorder }

func (r *yieldingRecorder) Emit(topic string, payload any) {
	runtime.Gosched()
	r.recorder.Emit(topic, payload)
}

// While projects emit from the background, switching between them never lets an event of
// one reach the face after the project.switched that made the other current.
func TestWorkspaceNoEventAfterSwitchingAway(t *testing.T) {
	rec := &yieldingRecorder{}
	w, err := OpenWorkspace(t.TempDir(), rec, WorkspaceOptions{NoWatch: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	var projects []*Project
	for range 2 {
		p, err := w.Open(folder(t, ""))
		if err != nil {
			t.Fatal(err)
		}
		projects = append(projects, p)
	}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for _, p := range projects {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
					p.emit.Emit("test.ping", p.Dir())
				}
			}
		})
	}
	for i := range 100 {
		if _, err := w.Open(projects[i%2].Dir()); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	current, pings, late := "", 0, 0
	for _, e := range rec.snapshot() {
		switch e.topic {
		case TopicProjectSwitched:
			current = e.payload.(ProjectRef).Path
		case "test.ping":
			pings++
			if e.payload.(string) != current {
				late++
			}
		}
	}
	if pings == 0 || late > 0 {
		t.Errorf("%d of %d events of a project reached the face after switching away from it", late, pings)
	}
}

// The same folder reached through a symlink is the same open project, recorded once.
func TestWorkspaceOpenThroughASymlink(t *testing.T) {
	w, _ := newWorkspace(t)
	dir := folder(t, catStep)
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	p, err := w.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	q, err := w.Open(link)
	if err != nil {
		t.Fatal(err)
	}
	if q != p {
		t.Errorf("opening %s through %s opened a second project at %s", dir, link, q.Dir())
	}
	info, err := w.Projects()
	if err != nil {
		t.Fatal(err)
	}
	if len(info.Open) != 1 || len(info.Recent) != 1 || info.Recent[0].Path != dir {
		t.Errorf("open %+v, recent %+v: want %s once", info.Open, info.Recent, dir)
	}
	if err := w.CloseProject(link); err != nil {
		t.Errorf("closing through the symlink: %v", err)
	}
}

// The root of the filesystem is not a project: opening it is refused.
func TestWorkspaceRefusesTheRoot(t *testing.T) {
	w, err := OpenWorkspace(t.TempDir(), nil, WorkspaceOptions{NoWatch: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Close)
	if _, err := w.Open("/"); !isCode(err, CodeBadRequest) || !strings.Contains(err.Error(), "root of the filesystem") {
		t.Errorf("opening /: %v", err)
	}
	if _, err := w.Current(); !isCode(err, CodeNoProject) {
		t.Errorf("after refusing /: %v", err)
	}
}
