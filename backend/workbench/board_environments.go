package workbench

import (
	"context"
	"errors"
	"slices"
	"strings"

	"eightfold/backend/store"
	"eightfold/backend/vcs"
)

// Deploy links: a deploy of the card's work that moved it or showed its failure is linked
// with Ref "ENV VERSION" ("staging v1.4.0") and a title that says how it went (a failure
// with its reason: "deploy failed: …").
const (
	DeployLinkOK     = "deployed"
	DeployLinkFailed = "deploy failed"
)

// EnvironmentInfo is what runs on a target of the card's work.
type EnvironmentInfo struct {
	Env     string `json:"env"`     // the target's name: "staging", "production", …
	Version string `json:"version"` // of the target's current deploy, which contains the card's work
	At      string `json:"at"`      // when that deploy finished
}

// environments says where the card's work runs now, from the deploy records: every
// target whose current deploy (its last successful deploy, promotion or rollback) is of a
// commit that contains one of the card's closing commits. A redeploy shows its version at
// once; a rollback to a release without the work takes the target off the list, one to an
// older release that has it shows that release. Staging and production come first, other
// targets by name. A project that is not a git repository, or a card with no closing
// commit, runs nowhere.
func (p *Project) environments(ctx context.Context, links []store.Link) ([]EnvironmentInfo, error) {
	out := []EnvironmentInfo{}
	var work []string
	for _, l := range links {
		if l.Kind == store.LinkCommit && l.Closing {
			work = append(work, l.Ref)
		}
	}
	if len(work) == 0 {
		return out, nil
	}
	current, err := p.store.CurrentDeploys(ctx, p.id)
	if err != nil || len(current) == 0 {
		return out, err
	}
	repo, err := vcs.OpenRepo(p.dir)
	if errors.Is(err, vcs.ErrNotRepository) {
		return out, nil
	}
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	for _, d := range current {
		if d.Commit == "" {
			continue
		}
		// A deployed commit the repository no longer has (history rewritten since)
		// cannot be shown to contain the work: the target is left out.
		if in, err := repo.Contains(d.Commit, work); err == nil && len(in) > 0 {
			out = append(out, EnvironmentInfo{Env: d.Target, Version: d.Version, At: rfc3339(d.FinishedMs)})
		}
	}
	slices.SortFunc(out, func(a, b EnvironmentInfo) int {
		if d := envOrder(a.Env) - envOrder(b.Env); d != 0 {
			return d
		}
		return strings.Compare(a.Env, b.Env)
	})
	return out, nil
}

func envOrder(env string) int {
	switch env {
	case "staging":
		return 0
	case "production":
		return 1
	}
	return 2
}
