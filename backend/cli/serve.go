package cli

import (
	"errors"
	"fmt"

	"eightfold/backend/server"
	"eightfold/backend/workbench"
)

func cmdServe(e *env) error {
	fs, c := e.flags("serve", "serve [--dir D] [--addr 127.0.0.1:0] [--public] [--home DIR]", true)
	addr := fs.String("addr", "127.0.0.1:0", "address to listen on (port 0: any free port)")
	public := fs.Bool("public", false, "allow a non-loopback --addr (anyone who can reach it and has the token gets in)")
	watching := fs.Bool("watch", true, "watch the repository and run on changes (auto-run can be paused in the page)")
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	if e.faces.NewAPI == nil || e.faces.Assets == nil {
		return errors.New("this binary was built without the browser face")
	}
	var srv *server.Server
	forward := workbench.EmitFunc(func(topic string, payload any) { srv.Emit(topic, payload) })
	w, err := workbench.OpenWorkspace(c.home, forward, workbench.WorkspaceOptions{NoWatch: !*watching})
	if err != nil {
		return err
	}
	defer w.Close() // the watchers and health checks of every open project, then the store
	srv, err = server.New(server.Options{Addr: *addr, Public: *public, API: e.faces.NewAPI(w), Assets: e.faces.Assets, Log: e.stderr})
	if err != nil {
		return err
	}
	p, err := w.Open(c.dir) // once srv is set: its watcher sends events at once
	if err != nil {
		return err
	}
	ctx, stop := untilStopped()
	defer stop()
	fmt.Fprintf(e.stdout, "Eightfold serving on %s\n", srv.URL())
	fmt.Fprintf(e.stdout, "Project %s; data in %s. Press Ctrl+C to stop.\n", p.Dir(), w.DatabasePath())
	return srv.Serve(ctx)
}

func cmdOpen(e *env) error {
	fs, c := e.flags("open", "open [DIR] [--home DIR]", false)
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	dir := "."
	switch len(pos) {
	case 0:
	case 1:
		dir = pos[0]
	default:
		return &usageError{"open takes one directory"}
	}
	if e.faces.Desktop == nil {
		return errors.New("this binary was built without the desktop face; use `eightfold serve`")
	}
	err = e.faces.Desktop(dir, c.home)
	if !errors.Is(err, ErrNoDisplay) {
		return err
	}
	fmt.Fprintf(e.stderr, "eightfold: no desktop window: %v\neightfold: starting the browser face instead\n", err)
	return cmdServe(&env{args: []string{"--dir", dir, "--home", c.home}, stdout: e.stdout, stderr: e.stderr, faces: e.faces})
}

// ErrNoDisplay is returned by Faces.Desktop when no window can be opened here; `open`
// then falls back to the browser face.
var ErrNoDisplay = errors.New("no display to open a window on")
