package main

import "eightfold/backend/workbench"

// Trends returns the Monitor dashboard's trends over the last days UTC days (7, 30 or 90):
// build and test time, pass rate and flaky tests per day, deploys per ISO week and target,
// and each health check's uptime per day, with the runs, deploys and tests behind them.
func (a *App) Trends(days int) (workbench.Trends, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.Trends{}, err
	}
	return p.Trends(days)
}
