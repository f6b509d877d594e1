package main

import (
	"errors"
	"time"

	"eightfold/backend/workbench"
)

// App is Eightfold's API, written once: Wails binds its exported methods for the desktop
// face and backend/server serves the same methods over HTTP for the browser face
// (docs/api.md). Every exported method is part of the API; lifecycle hooks are unexported.
type App struct {
	// started is closed once project or startErr is set; the desktop face sets them in
	// OnStartup, which Wails runs while the frontend may already be calling.
	started  chan struct{}
	project  *workbench.Project
	startErr error // why the desktop face could not open its project; every method returns it
}

// startWait bounds how long a call waits for the desktop face to finish starting.
const startWait = 30 * time.Second

// NewApp makes the API for an opened project.
func NewApp(p *workbench.Project) *App {
	a := newStartingApp()
	a.project = p
	close(a.started)
	return a
}

// newStartingApp makes an App whose project is set later; close(started) when it is.
func newStartingApp() *App { return &App{started: make(chan struct{})} }

func (a *App) ready() error {
	select {
	case <-a.started:
	case <-time.After(startWait):
		return errors.New("the workbench did not finish starting within 30 s")
	}
	if a.startErr != nil {
		return a.startErr
	}
	return nil
}

// Project describes the opened repository: path, git state, the effective pipeline and the
// places of the loop.
func (a *App) Project() (workbench.ProjectInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.ProjectInfo{}, err
	}
	return a.project.Info()
}

// StartRun starts the pipeline in the background and returns the new run.
func (a *App) StartRun() (workbench.RunInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.RunInfo{}, err
	}
	return a.project.StartRun(workbench.TriggerManual)
}

// CancelRun stops a run in progress.
func (a *App) CancelRun(id int64) error {
	if err := a.ready(); err != nil {
		return err
	}
	return a.project.CancelRun(id)
}

// Runs lists recent runs, newest first (limit ≤ 0: 50).
func (a *App) Runs(limit int) ([]workbench.RunInfo, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.project.Runs(limit)
}

// GetRun loads one run with its steps.
func (a *App) GetRun(id int64) (workbench.RunInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.RunInfo{}, err
	}
	return a.project.GetRun(id)
}

// StepLog returns a page of a step's output after afterSeq (0: from the start), at most
// about maxBytes (0: 1 MiB).
func (a *App) StepLog(stepID, afterSeq int64, maxBytes int) (workbench.LogPage, error) {
	if err := a.ready(); err != nil {
		return workbench.LogPage{}, err
	}
	return a.project.StepLog(stepID, afterSeq, maxBytes)
}

// WatchState says whether the repository is watched, how many directories, whether changes
// start runs, and what is pending.
func (a *App) WatchState() (workbench.WatchState, error) {
	if err := a.ready(); err != nil {
		return workbench.WatchState{}, err
	}
	return a.project.WatchState(), nil
}

// SetAutoRun turns starting runs on file changes on or off.
func (a *App) SetAutoRun(on bool) error {
	if err := a.ready(); err != nil {
		return err
	}
	return a.project.SetAutoRun(on)
}

// RunTests lists a run's test results, filtered by q.
func (a *App) RunTests(runID int64, q workbench.TestQuery) ([]workbench.TestResultInfo, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.project.RunTests(runID, q)
}

// TestDetail returns one test result with its output and its test's history.
func (a *App) TestDetail(resultID int64) (workbench.TestDetail, error) {
	if err := a.ready(); err != nil {
		return workbench.TestDetail{}, err
	}
	return a.project.TestDetail(resultID)
}

// RunInsights compares a run's tests with the last green and red runs: newly failing, fixed,
// slowest, slower than usual, and the commits and files since the last green run.
func (a *App) RunInsights(runID int64) (workbench.RunInsights, error) {
	if err := a.ready(); err != nil {
		return workbench.RunInsights{}, err
	}
	return a.project.RunInsights(runID)
}

// FlakyTests lists the flaky tests of the newest window runs (≤ 0: 50), with the evidence.
func (a *App) FlakyTests(window int) ([]workbench.FlakyInfo, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.project.FlakyTests(window)
}
