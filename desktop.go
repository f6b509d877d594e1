//go:build desktop || bindings

// The desktop face. Wails' binding generator builds the program with the tag "bindings" and
// without "desktop", then runs it with no arguments: wails.Run must be reached then too,
// display or not, so this file builds under either tag.

package main

import (
	"context"
	"errors"
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

// desktop is the desktop face: it owns the store and the project for the window's lifetime.
type desktop struct {
	app         *App
	dir         string
	home        string
	ctx         context.Context
	stopWatch   func() // ends the watch loop and waits for it
	stopMonitor func() // ends the health checks and waits for them
	notifier    workbench.Notifier
	closing     atomic.Bool // set once the window is asked to close: no more calls into GTK
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

// startup opens the data dir and the project; a failure is kept and reported by every call.
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
	p, err := workbench.OpenInDataDir(d.home, d.dir, workbench.EmitFunc(d.emit))
	if err != nil {
		return err
	}
	d.app.project = p
	d.stopWatch = p.WatchInBackground(workbench.WatchOptions{})
	d.stopMonitor = p.MonitorInBackground()
	var last *workbench.RunInfo
	if runs, err := p.Runs(1); err == nil && len(runs) > 0 {
		last = &runs[0]
	}
	d.setTitle(last)
	return nil
}

// emit forwards core events to the frontend, shows notices as OS notifications and keeps the
// window title current: every run event carries the run's test counts so far.
func (d *desktop) emit(topic string, payload any) {
	if d.closing.Load() {
		return
	}
	runtime.EventsEmit(d.ctx, topic, payload)
	if n, ok := payload.(workbench.Notice); ok {
		d.notifier.Notify(n)
	}
	if r, ok := payload.(workbench.RunInfo); ok {
		d.setTitle(&r)
	}
}

func (d *desktop) setTitle(run *workbench.RunInfo) {
	if d.app.project == nil || d.closing.Load() {
		return
	}
	runtime.WindowSetTitle(d.ctx, windowTitle(d.app.project.Dir(), run))
}

// beforeClose lets the window close and stops events and title updates first: the watch loop
// and the checks go on until shutdown, and WebKit must not be called while GTK tears down.
func (d *desktop) beforeClose(context.Context) bool {
	d.closing.Store(true)
	return false
}

func (d *desktop) shutdown(context.Context) {
	if d.stopMonitor != nil {
		d.stopMonitor()
	}
	if d.stopWatch != nil {
		d.stopWatch()
	}
	if d.app.project != nil {
		d.app.project.Close()
	}
}

// formatError gives the frontend {code, message} instead of a bare string.
func formatError(err error) any {
	code := "internal"
	var coded interface{ Code() string }
	if errors.As(err, &coded) {
		code = coded.Code()
	}
	return map[string]string{"code": code, "message": err.Error()}
}
