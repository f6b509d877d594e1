package main

import (
	"context"

	"eightfold/backend/workbench"
)

// SyncDeploys records the deploys and rollbacks made elsewhere (CI jobs, colleagues) that a
// target's audit logs tell and the history lacks, as `eightfold import deploys` does: of
// target, or of every target when it is "". It says per target what it recorded, the lines
// it skipped, and why a target could not be read (host_key: trust it, then sync again).
func (a *App) SyncDeploys(target string) ([]workbench.DeploySync, error) {
	p, err := a.cur()
	if err != nil {
		return nil, err
	}
	var targets []string
	if target != "" {
		targets = []string{target}
	}
	return p.SyncDeploys(context.Background(), targets)
}
