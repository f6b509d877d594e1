package workbench

import (
	"context"
	"errors"
	"log"
	"slices"
	"strings"

	"eightfold/backend/config"
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
	Env     string `json:"env"`     // as the card's deploy links name it: "production" or "staging" (envName)
	Target  string `json:"target"`  // the target's name in eightfold.yaml
	Version string `json:"version"` // of the target's current deploy, which contains the card's work
	At      string `json:"at"`      // when that deploy finished
}

// environments says where the card's work runs now, from the deploy records: every
// target whose current deploy (its last successful deploy, promotion or rollback) is of a
// commit that contains one of the card's closing commits. A redeploy shows its version at
// once; a rollback to a release without the work takes the target off the list, one to an
// older release that has it shows that release. Each is labelled as the card's deploy links
// label it (staging or production); staging comes first, then production, each by target
// name. A target whose commit the repository no longer has is left out, as is one whose
// history cannot be read (that is logged). A project that is not a git repository, or a
// card with no closing commit, runs nowhere.
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
	cfg, _ := config.Load(p.dir) // a broken config labels targets by their own names
	for _, d := range current {
		if d.Commit == "" {
			continue
		}
		in, err := repo.Contains(d.Commit, work)
		switch {
		case errors.Is(err, vcs.ErrNoCommit):
			// A deployed commit the repository no longer has (history rewritten since)
			// cannot be shown to contain the work: the target is left out.
		case err != nil:
			log.Printf("where card work runs: %s (deploy #%d) is left out: %v", d.Target, d.ID, err)
		case len(in) > 0:
			out = append(out, EnvironmentInfo{Env: envLabel(cfg, d.Target), Target: d.Target, Version: d.Version, At: rfc3339(d.FinishedMs)})
		}
	}
	slices.SortFunc(out, func(a, b EnvironmentInfo) int {
		if d := envOrder(a.Env) - envOrder(b.Env); d != 0 {
			return d
		}
		return strings.Compare(a.Target, b.Target)
	})
	return out, nil
}

// envLabel is the environment the deploys of target are linked under on cards (envName),
// or the target's own name when cfg (nil when it does not load) has no such target.
func envLabel(cfg *config.Config, target string) string {
	if cfg == nil {
		return target
	}
	if t, ok := cfg.Targets[target]; ok {
		return envName(t)
	}
	return target
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
