//go:build desktop || bindings

// The desktop face. Wails' binding generator builds the program with the tag "bindings" and
// without "desktop", then runs it with no arguments: wails.Run must be reached then too,
// display or not, so this file builds under either tag.

package main

import (
	"context"
	"io/fs"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"eightfold/backend/workbench"
)

// desktop is the desktop face: it owns the workspace (the store and the open projects) for
// the window's lifetime.
type desktop struct {
	app      *App
	dir      string
	home     string
	ctx      context.Context
	notifier workbench.Notifier
	closing  atomic.Bool // set once the window is asked to close: no more calls into GTK
}

// runDesktop opens the window on dir and blocks until it closes. Without a display it
// returns cli.ErrNoDisplay, so that the caller can start the browser face instead.
func runDesktop(dir, home string, assets fs.FS) error {
	if err := needDisplay(); err != nil && !generatingBindings {
		return err
	}
	d := &desktop{app: newStartingApp(), dir: dir, home: home, notifier: &workbench.OSNotifier{}}
	return wails.Run(&options.App{
		Title:            "Eightfold",
		Width:            1280,
		Height:           800,
		MinWidth:         900,
		MinHeight:        600,
		AssetServer:      &assetserver.Options{Assets: assets},
		BackgroundColour: &options.RGBA{R: 15, G: 17, B: 21, A: 255},
		OnStartup:        d.startup,
		OnBeforeClose:    d.beforeClose,
		OnShutdown:       d.shutdown,
		Bind:             []any{d.app},
		ErrorFormatter:   formatError,
		Linux: &linux.Options{
			ProgramName:      "eightfold",
			WebviewGpuPolicy: linux.WebviewGpuPolicyNever,
		},
	})
}

// startup opens the data dir and the first project; a failure is kept and reported by
// every call.
func (d *desktop) startup(ctx context.Context) {
	d.ctx = ctx
	go quitOnSignal(ctx)
	err := d.open()
	d.app.startErr = err
	close(d.app.started)
	if err != nil {
		runtime.WindowSetTitle(ctx, "Eightfold — cannot start")
	}
}

// quitOnSignal closes the window cleanly (OnShutdown runs, the data dir is released) on
// Ctrl+C, SIGTERM or SIGHUP, instead of dying mid-write.
func quitOnSignal(ctx context.Context) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	<-sig
	runtime.Quit(ctx)
}

func (d *desktop) open() error {
	w, err := workbench.OpenWorkspace(d.home, workbench.EmitFunc(d.emit), workbench.WorkspaceOptions{})
	if err != nil {
		return err
	}
	d.app.workspace = w
	w.OpenOrExplain(d.dir) // a folder that does not open leaves the start screen, saying why
	return nil
}

// emit forwards the current project's events (and every project's notices) to the frontend,
// shows notices as OS notifications and keeps the window title current: every run event
// carries the run's test counts so far, and project.switched names the new current project.
func (d *desktop) emit(topic string, payload any) {
	if d.closing.Load() {
		return
	}
	runtime.EventsEmit(d.ctx, topic, payload)
	switch v := payload.(type) {
	case workbench.Notice:
		d.notifier.Notify(v)
	case workbench.RunInfo:
		d.setTitle(v.Project, &v)
	case workbench.ProjectRef:
		d.setTitle(v.Path, lastRun(d.app.workspace))
	}
}

// lastRun is the current project's newest run, nil when there is none.
func lastRun(w *workbench.Workspace) *workbench.RunInfo {
	p, err := w.Current()
	if err != nil {
		return nil
	}
	if runs, err := p.Runs(1); err == nil && len(runs) > 0 {
		return &runs[0]
	}
	return nil
}

// setTitle shows the project at dir ("" for none) and its newest run in the window title.
func (d *desktop) setTitle(dir string, run *workbench.RunInfo) {
	if d.closing.Load() {
		return
	}
	runtime.WindowSetTitle(d.ctx, windowTitle(dir, run))
}

// beforeClose lets the window close and stops events and title updates first: the watch loop
// and the checks go on until shutdown, and WebKit must not be called while GTK tears down.
func (d *desktop) beforeClose(context.Context) bool {
	d.closing.Store(true)
	return false
}

func (d *desktop) shutdown(context.Context) {
	if d.app.workspace != nil {
		d.app.workspace.Close()
	}
}
