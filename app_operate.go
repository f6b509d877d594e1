package main

import "eightfold/backend/workbench"

// Operate lists the targets of eightfold.yaml as the Operate view shows them: what each
// runs and since when, its health check, its open incidents, where its logs come from and
// its start and stop commands.
func (a *App) Operate() ([]workbench.OperateTarget, error) {
	p, err := a.cur()
	if err != nil {
		return nil, err
	}
	return p.Operate()
}

// OperateLock reads a target's deploy lock (over SSH for an ssh target): who holds it,
// since when and for what.
func (a *App) OperateLock(target string) (workbench.LockInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.LockInfo{}, err
	}
	return p.OperateLock(target)
}

// OpenLogs starts streaming a target's logs; the lines arrive as operate.log events. Keep
// the stream alive with KeepLogs and end it with CloseLogs.
func (a *App) OpenLogs(target string) (workbench.LogStreamInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.LogStreamInfo{}, err
	}
	return p.OpenLogs(target)
}

// KeepLogs tells a log stream that it is still watched; not_found when it has ended.
func (a *App) KeepLogs(stream string) error {
	p, err := a.cur()
	if err != nil {
		return err
	}
	return p.KeepLogs(stream)
}

// CloseLogs ends a log stream.
func (a *App) CloseLogs(stream string) error {
	p, err := a.cur()
	if err != nil {
		return err
	}
	return p.CloseLogs(stream)
}

// RestartTarget runs a target's start command again for its current release, under its
// deploy lock, and returns the outcome; production needs confirm.
func (a *App) RestartTarget(target string, confirm bool) (workbench.OperateResult, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.OperateResult{}, err
	}
	return p.RestartTarget(target, confirm)
}

// StopTarget runs a target's stop command for its current release, under its deploy lock,
// and returns the outcome; production needs confirm.
func (a *App) StopTarget(target string, confirm bool) (workbench.OperateResult, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.OperateResult{}, err
	}
	return p.StopTarget(target, confirm)
}
