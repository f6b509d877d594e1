package workbench

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"eightfold/backend/store"
)

// CodeNoProject is the error code of a call that needs the current project when none is open.
const CodeNoProject = "no_project"

// TopicProjectSwitched is sent with a ProjectRef when the current project changes.
const TopicProjectSwitched = "project.switched"

// recentLimit is how many recent projects Projects lists.
const recentLimit = 20

// ProjectRef names a project: the payload of project.switched (Path "" when none is open).
type ProjectRef struct {
	Path string `json:"path"`
	Name string `json:"name"`
}

// ProjectsInfo is what the start screen and the project switcher show.
type ProjectsInfo struct {
	Current string          `json:"current"` // absolute path; "" when no project is open
	Open    []OpenProject   `json:"open"`    // in the order they were opened
	Recent  []RecentProject `json:"recent"`  // newest first, the open ones included
	// Problem says why the folder the workbench was started on did not open, while no
	// project is open; "" otherwise.
	Problem string `json:"problem"`
}

// OpenProject is a project open in the workspace.
type OpenProject struct {
	Path     string   `json:"path"`
	Name     string   `json:"name"`
	Current  bool     `json:"current"`
	LastRun  *RunInfo `json:"lastRun"` // nil before the first run
	Watching bool     `json:"watching"`
}

// RecentProject is a project opened before, open or not.
type RecentProject struct {
	Path     string `json:"path"`
	Name     string `json:"name"`
	OpenedMs int64  `json:"openedMs"`
	Exists   bool   `json:"exists"` // false when the folder is gone
}

// WorkspaceOptions tune how a workspace opens projects.
type WorkspaceOptions struct {
	NoWatch bool // open projects without a watcher (`eightfold serve --watch=false`)
}

// Workspace owns the store of a data dir and the projects open on it, each with its own
// watcher and health checks. One of them is current: the faces' calls act on it, and only
// its events reach the face, except notices, which come from every open project.
type Workspace struct {
	store *store.Store
	emit  Emitter
	opts  WorkspaceOptions

	ops      sync.Mutex               // one opening, or start of a closing, at a time
	mu       sync.Mutex               // guards open, closing, seq and problem
	open     []*opened                // in the order they were opened
	problem  string                   // why the first folder did not open (OpenOrExplain)
	closing  map[string]chan struct{} // folders whose project is closing, closed when it has
	seq      uint64                   // counts the times a project was made current
	current  atomic.Pointer[opened]   // swapped, and announced, under switchMu
	switchMu sync.RWMutex             // written to swap current; read to pass an event of current on
}

// opened is a project open in a workspace, with what runs in its background.
type opened struct {
	p           *Project
	used        uint64 // the workspace's seq when it was last made current
	stopWatch   func() // nil when not watched
	stopMonitor func()
}

// OpenWorkspace opens the data dir (the --home flag's value; "" means $EIGHTFOLD_HOME or
// the default) for writing, with no project open yet. Events of the current project, and
// notices of every project, go to emit (nil: Discard).
func OpenWorkspace(home string, emit Emitter, opts WorkspaceOptions) (*Workspace, error) {
	s, err := openDataDir(home)
	if err != nil {
		return nil, err
	}
	if emit == nil {
		emit = Discard
	}
	return &Workspace{store: s, emit: emit, opts: opts}, nil
}

// DatabasePath is the SQLite file the workspace's projects are recorded in.
func (w *Workspace) DatabasePath() string { return w.store.Path() }

// Current is the current project; with none open the error has code no_project.
func (w *Workspace) Current() (*Project, error) {
	if o := w.current.Load(); o != nil {
		return o.p, nil
	}
	return nil, errorf(CodeNoProject, "no project is open: open a folder from the start screen")
}

// Open opens the folder at dir (made absolute, its symlinks resolved) with its watcher and
// health checks, or finds it open already; either way it becomes the current project. A
// folder that is not a git repository opens too. A missing folder is not_found; a file, or
// the root of the filesystem, bad_request. A folder whose project is closing opens again
// once it has closed.
func (w *Workspace) Open(dir string) (*Project, error) {
	abs, err := folderKey(dir)
	if err != nil {
		return nil, errorf(CodeBadRequest, "the folder %s: %v", dir, err)
	}
	if err := checkFolder(abs); err != nil {
		return nil, err
	}
	w.lockOpening(abs)
	defer w.ops.Unlock()
	if o := w.find(abs); o != nil {
		if err := w.store.TouchProject(context.Background(), o.p.id, o.p.now().UnixMilli()); err != nil {
			return nil, err
		}
		w.makeCurrent(o)
		return o.p, nil
	}
	o := &opened{}
	p, err := Open(w.store, abs, EmitFunc(func(topic string, payload any) { w.route(o, topic, payload) }))
	if err != nil {
		return nil, err
	}
	o.p = p
	if !w.opts.NoWatch {
		o.stopWatch = p.WatchInBackground(WatchOptions{})
	}
	o.stopMonitor = p.MonitorInBackground()
	w.mu.Lock()
	w.open = append(w.open, o)
	w.mu.Unlock()
	w.makeCurrent(o)
	return p, nil
}

// lockOpening takes w.ops once the project of dir is not closing: opening it again waits
// for the closing one to be done with the folder.
func (w *Workspace) lockOpening(dir string) {
	for {
		w.ops.Lock()
		w.mu.Lock()
		done := w.closing[dir]
		w.mu.Unlock()
		if done == nil {
			return
		}
		w.ops.Unlock()
		<-done
	}
}

// CloseProject stops the watcher and health checks of the open project at dir and closes
// it. When it was current, the open project made current most recently before becomes
// current, or none. A run in progress is cancelled; a deploy going is not: while one goes
// the project stays open and the error is a conflict naming it. Other projects open and
// close while this one finishes closing.
func (w *Workspace) CloseProject(dir string) error {
	abs, err := folderKey(dir)
	if err != nil {
		return errorf(CodeBadRequest, "the folder %s: %v", dir, err)
	}
	o, err := w.detach(abs)
	if err != nil {
		return err
	}
	o.close()
	w.mu.Lock()
	close(w.closing[abs])
	delete(w.closing, abs)
	w.mu.Unlock()
	return nil
}

// detach takes the open project at dir out of the workspace, marked as closing, and makes
// another current when it was: what CloseProject does before closing it.
func (w *Workspace) detach(dir string) (*opened, error) {
	w.ops.Lock()
	defer w.ops.Unlock()
	o := w.find(dir)
	if o == nil {
		return nil, errorf(CodeNotFound, "%s is not open", dir)
	}
	if err := o.p.closeUnlessDeploying(); err != nil {
		return nil, err
	}
	w.mu.Lock()
	w.open = slices.DeleteFunc(w.open, func(c *opened) bool { return c == o })
	if w.closing == nil {
		w.closing = map[string]chan struct{}{}
	}
	w.closing[dir] = make(chan struct{})
	var next *opened
	for _, c := range w.open {
		if next == nil || c.used > next.used {
			next = c
		}
	}
	w.mu.Unlock()
	w.switchMu.Lock()
	defer w.switchMu.Unlock()
	if w.current.Load() == o {
		w.current.Store(next)
		w.emit.Emit(TopicProjectSwitched, ref(next))
	}
	return o, nil
}

// Close closes every open project and then the store.
func (w *Workspace) Close() {
	w.ops.Lock()
	defer w.ops.Unlock()
	w.switchMu.Lock()
	w.current.Store(nil)
	w.switchMu.Unlock()
	w.mu.Lock()
	open := w.open
	w.open = nil
	closing := slices.Collect(maps.Values(w.closing))
	w.mu.Unlock()
	for _, o := range open {
		o.close()
	}
	for _, done := range closing { // a CloseProject still closing uses the store
		<-done
	}
	w.store.Close()
}

// Projects lists the open projects and the recent ones.
func (w *Workspace) Projects() (ProjectsInfo, error) {
	cur := w.current.Load()
	w.mu.Lock()
	open := append([]*opened(nil), w.open...)
	w.mu.Unlock()
	info := ProjectsInfo{Open: make([]OpenProject, 0, len(open)), Recent: []RecentProject{}}
	if cur != nil {
		info.Current = cur.p.dir
	} else {
		info.Problem = w.startProblem()
	}
	for _, o := range open {
		op, err := o.describe(o == cur)
		if err != nil {
			return ProjectsInfo{}, err
		}
		info.Open = append(info.Open, op)
	}
	recent, err := w.store.RecentProjects(context.Background(), recentLimit)
	if err != nil {
		return ProjectsInfo{}, err
	}
	for _, r := range recent {
		info.Recent = append(info.Recent, RecentProject{Path: r.Path, Name: r.Name, OpenedMs: r.OpenedMs, Exists: isDir(r.Path)})
	}
	return info, nil
}

// OpenOrExplain opens dir as the first project. When it cannot be opened (gone, unreadable,
// a filesystem root), the workspace stays without a project and Projects says why, so that
// the start screen shows the reason next to the recent projects instead of a dead window.
func (w *Workspace) OpenOrExplain(dir string) {
	if _, err := w.Open(dir); err != nil {
		w.mu.Lock()
		w.problem = fmt.Sprintf("Eightfold was started on %s, which could not be opened: %v", dir, err)
		w.mu.Unlock()
	}
}

func (w *Workspace) startProblem() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.problem
}

// FolderPath is the folder a face asked for as an absolute path: "~" and "~/…" are the
// home directory; a relative path is refused, since the server's working directory means
// nothing to the person asking.
func FolderPath(path string) (string, error) {
	if path == "~" || strings.HasPrefix(path, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", errorf(CodeBadRequest, "cannot expand ~ in %s: %v; give the folder's absolute path", path, err)
		}
		path = filepath.Join(home, strings.TrimPrefix(path, "~"))
	}
	if !filepath.IsAbs(path) {
		return "", errorf(CodeBadRequest, "%q is not an absolute path: give the folder's full path, such as /home/me/src/app or ~/src/app", path)
	}
	return filepath.Clean(path), nil
}

// route passes an event of o on to the face when o is current, and a notice in any case.
// It holds switchMu for reading from the check to the emit, so no event of a project
// reaches the face after the project.switched that made another current.
func (w *Workspace) route(o *opened, topic string, payload any) {
	if topic == TopicNotify {
		w.emit.Emit(topic, payload)
		return
	}
	w.switchMu.RLock()
	defer w.switchMu.RUnlock()
	if w.current.Load() == o {
		w.emit.Emit(topic, payload)
	}
}

// find is the open project at the absolute path dir, or nil.
func (w *Workspace) find(dir string) *opened {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, o := range w.open {
		if o.p.dir == dir {
			return o
		}
	}
	return nil
}

// makeCurrent makes o the current project, announcing it when that is a change.
func (w *Workspace) makeCurrent(o *opened) {
	w.mu.Lock()
	w.seq++
	o.used = w.seq
	w.mu.Unlock()
	w.switchMu.Lock()
	defer w.switchMu.Unlock()
	if w.current.Swap(o) != o {
		w.emit.Emit(TopicProjectSwitched, ref(o))
	}
}

// ref names o for project.switched; nil is no project.
func ref(o *opened) ProjectRef {
	if o == nil {
		return ProjectRef{}
	}
	return ProjectRef{Path: o.p.dir, Name: o.p.name}
}

// describe is o as the project switcher shows it.
func (o *opened) describe(current bool) (OpenProject, error) {
	last, err := o.p.LastRun()
	if err != nil {
		return OpenProject{}, err
	}
	return OpenProject{Path: o.p.dir, Name: o.p.name, Current: current, Watching: o.p.WatchState().Watching, LastRun: last}, nil
}

// close stops what runs in o's background, then o.
func (o *opened) close() {
	o.stopMonitor()
	if o.stopWatch != nil {
		o.stopWatch()
	}
	o.p.Close()
}

// checkFolder says why dir cannot be opened as a project: not_found when it does not
// exist, bad_request when it is not a folder or is the root of the filesystem (watching it
// would watch every file of the machine).
func checkFolder(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errorf(CodeNotFound, "there is no folder %s: check the path, or pick the folder again", dir)
	case err != nil:
		return errorf(CodeBadRequest, "cannot open %s: %v", dir, err)
	case !fi.IsDir():
		return errorf(CodeBadRequest, "%s is a file, not a folder: open the folder of the project", dir)
	case isRoot(dir):
		return errorf(CodeBadRequest, "%s is the root of the filesystem, not a project: open the project's own folder", dir)
	}
	return nil
}

// folderKey is dir made absolute with its symlinks resolved: the one name of a folder
// however it is reached, under which it is open and recorded. A path that does not resolve
// (a folder that is gone) stays as made absolute.
func folderKey(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real, nil
	}
	return abs, nil
}

// isRoot reports whether the absolute path dir is the root of the filesystem.
func isRoot(dir string) bool { return filepath.Dir(dir) == dir }

// isDir reports whether path is a folder that exists.
func isDir(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
