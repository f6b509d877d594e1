package main

import "eightfold/backend/workbench"

// Dora computes the four DORA keys of the production targets over the last days days
// (7, 30 or 90 in the UI), with the deploys and incidents behind each figure.
func (a *App) Dora(days int) (workbench.DoraReport, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.DoraReport{}, err
	}
	return p.Dora(days)
}

// Status is the whole loop on one screen: git state, last run, what is unreleased, each
// target's version and health, and the open incidents (what `eightfold status` prints).
func (a *App) Status() (workbench.StatusInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.StatusInfo{}, err
	}
	return p.Status()
}
