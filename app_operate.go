package main

import "eightfold/backend/workbench"

// Operate lists the targets of eightfold.yaml as the Operate view shows them: what each
// runs and since when, its health check, its open incidents, where its logs come from and
// its start and stop commands.
func (a *App) Operate() ([]workbench.OperateTarget, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.project.Operate()
}

// OperateLock reads a target's deploy lock (over SSH for an ssh target): who holds it,
// since when and for what.
func (a *App) OperateLock(target string) (workbench.LockInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.LockInfo{}, err
	}
	return a.project.OperateLock(target)
}

// OpenLogs starts streaming a target's logs; the lines arrive as operate.log events. Keep
// the stream alive with KeepLogs and end it with CloseLogs.
func (a *App) OpenLogs(target string) (workbench.LogStreamInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.LogStreamInfo{}, err
	}
	return a.project.OpenLogs(target)
}

// KeepLogs tells a log stream that it is still watched; not_found when it has ended.
func (a *App) KeepLogs(stream string) error {
	if err := a.ready(); err != nil {
		return err
	}
	return a.project.KeepLogs(stream)
}

// CloseLogs ends a log stream.
func (a *App) CloseLogs(stream string) error {
	if err := a.ready(); err != nil {
		return err
	}
	return a.project.CloseLogs(stream)
}

// RestartTarget runs a target's start command again for its current release, under its
// deploy lock, and returns the outcome; production needs confirm.
func (a *App) RestartTarget(target string, confirm bool) (workbench.OperateResult, error) {
	if err := a.ready(); err != nil {
		return workbench.OperateResult{}, err
	}
	return a.project.RestartTarget(target, confirm)
}

// StopTarget runs a target's stop command for its current release, under its deploy lock,
// and returns the outcome; production needs confirm.
func (a *App) StopTarget(target string, confirm bool) (workbench.OperateResult, error) {
	if err := a.ready(); err != nil {
		return workbench.OperateResult{}, err
	}
	return a.project.StopTarget(target, confirm)
}
