package main

import "eightfold/backend/workbench"

// ImportCIReports records a run that a CI engine made, from its test reports, in the open
// project, as `eightfold import` does: format is "junit" or "go-test-json"; paths are the
// report files, absolute, under "~/", or relative to the project's folder; runName "" names
// it after the files; commit "" is HEAD. Reports imported already are refused (conflict),
// naming the run they made.
func (a *App) ImportCIReports(format string, paths []string, runName, commit string) (workbench.RunInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.RunInfo{}, err
	}
	files, err := p.ReportPaths(paths)
	if err != nil {
		return workbench.RunInfo{}, err
	}
	return p.ImportCI(workbench.CIImport{Format: format, Files: files, Name: runName, Commit: commit})
}
