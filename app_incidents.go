package main

import "eightfold/backend/workbench"

// Incidents lists the incidents of the last days days (0: 30) and every open one, newest
// first.
func (a *App) Incidents(days int) ([]workbench.IncidentInfo, error) {
	p, err := a.cur()
	if err != nil {
		return nil, err
	}
	return p.Incidents(days)
}

// UpdateIncident sets an incident's note and root-cause commit (a SHA or revision of the
// repository; "" for none).
func (a *App) UpdateIncident(id int64, note, rootCause string) (workbench.IncidentInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.IncidentInfo{}, err
	}
	return p.UpdateIncident(id, note, rootCause)
}

// IncidentCard makes a Plan card from an incident, or returns the one made before while it
// is open.
func (a *App) IncidentCard(id int64) (workbench.CardInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.CardInfo{}, err
	}
	return p.IncidentCard(id)
}

// TestCard makes a Plan card from a failing test result, or returns the test's card made
// before while it is open.
func (a *App) TestCard(resultID int64) (workbench.CardInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.CardInfo{}, err
	}
	return p.TestCard(resultID)
}

// DeployCard makes a Plan card from a failed deploy, or returns the one made before while
// it is open.
func (a *App) DeployCard(deployID int64) (workbench.CardInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.CardInfo{}, err
	}
	return p.DeployCard(deployID)
}
