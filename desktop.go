//go:build desktop

package main

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/signal"
	"syscall"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
	"github.com/wailsapp/wails/v2/pkg/runtime"

	"eightfold/backend/store"
	"eightfold/backend/workbench"
)

// desktop is the desktop face: it owns the store and the project for the window's lifetime.
type desktop struct {
	app   *App
	dir   string
	home  string
	ctx   context.Context
	store *store.Store
}

// runDesktop opens the window on dir and blocks until it closes. Without a display it
// returns cli.ErrNoDisplay, so that the caller can start the browser face instead.
func runDesktop(dir, home string, assets fs.FS) error {
	if err := needDisplay(); err != nil {
		return err
	}
	d := &desktop{app: &App{}, dir: dir, home: home}
	return wails.Run(&options.App{
		Title:            "Eightfold",
		Width:            1280,
		Height:           800,
		MinWidth:         900,
		MinHeight:        600,
		AssetServer:      &assetserver.Options{Assets: assets},
		BackgroundColour: &options.RGBA{R: 15, G: 17, B: 21, A: 255},
		OnStartup:        d.startup,
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
	if err := d.open(); err != nil {
		d.app.startErr = err
		runtime.WindowSetTitle(ctx, "Eightfold — cannot start")
		return
	}
	d.setTitle("")
}

// quitOnSignal closes the window cleanly (OnShutdown runs, the data dir is released) on
// Ctrl+C or SIGTERM, instead of dying mid-write.
func quitOnSignal(ctx context.Context) {
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	runtime.Quit(ctx)
}

func (d *desktop) open() error {
	home, err := store.DataDir(d.home)
	if err != nil {
		return err
	}
	s, err := store.Open(home)
	if err != nil {
		return err
	}
	p, err := workbench.Open(s, d.dir, workbench.EmitFunc(d.emit))
	if err != nil {
		s.Close()
		return err
	}
	d.store, d.app.project = s, p
	if runs, err := p.Runs(1); err == nil && len(runs) > 0 {
		d.setTitle(runs[0].Status)
	}
	return nil
}

// emit forwards core events to the frontend and keeps the window title current.
func (d *desktop) emit(topic string, payload any) {
	runtime.EventsEmit(d.ctx, topic, payload)
	if r, ok := payload.(workbench.RunInfo); ok && (topic == workbench.TopicRunStarted || topic == workbench.TopicRunFinished) {
		d.setTitle(r.Status)
	}
}

func (d *desktop) setTitle(status string) {
	if d.app.project == nil {
		return
	}
	runtime.WindowSetTitle(d.ctx, windowTitle(d.app.project.Dir(), status))
}

func (d *desktop) shutdown(context.Context) {
	if d.app.project != nil {
		d.app.project.Close()
	}
	if d.store != nil {
		d.store.Close()
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
