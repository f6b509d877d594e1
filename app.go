package main

import (
	"errors"

	"eightfold/backend/workbench"
)

// App is Eightfold's API, written once: Wails binds its exported methods for the desktop
// face and backend/server serves the same methods over HTTP for the browser face
// (docs/api.md). Every exported method is part of the API; lifecycle hooks are unexported.
type App struct {
	project *workbench.Project
	// startErr says why the desktop face could not open its project (for example another
	// process holds the data dir); every method returns it.
	startErr error
}

// NewApp makes the API for an opened project.
func NewApp(p *workbench.Project) *App { return &App{project: p} }

func (a *App) ready() error {
	if a.startErr != nil {
		return a.startErr
	}
	if a.project == nil {
		return errors.New("the workbench is still starting")
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
