package workbench

import (
	"slices"
	"strings"

	"eightfold/backend/store"
)

// Deploy links: a deploy of the card's work is linked with Ref "ENV VERSION" ("staging
// v1.4.0") and a title that says how it went. The deploy stage records them through
// applyContaining; a card's environments are read back from them.
const (
	DeployLinkOK     = "deployed"
	DeployLinkFailed = "deploy failed"
)

// EnvironmentInfo is what runs in an environment of the card's work.
type EnvironmentInfo struct {
	Env     string `json:"env"`     // "staging", "production", …
	Version string `json:"version"` // of the last successful deploy there that contained it
	At      string `json:"at"`      // when that deploy was linked
}

// environments lists, per environment, the version of the last successful deploy that
// contained the card's work: what is running there, whatever failed or was committed since.
// Staging and production come first, other environments by name.
func environments(links []store.Link) []EnvironmentInfo {
	last := map[string]store.Link{}
	for _, l := range links {
		if l.Kind != store.LinkDeploy || l.Title != DeployLinkOK {
			continue
		}
		env, _, _ := strings.Cut(l.Ref, " ")
		if prev, ok := last[env]; !ok || l.AtMs >= prev.AtMs {
			last[env] = l
		}
	}
	out := make([]EnvironmentInfo, 0, len(last))
	for env, l := range last {
		_, version, _ := strings.Cut(l.Ref, " ")
		out = append(out, EnvironmentInfo{Env: env, Version: version, At: rfc3339(l.AtMs)})
	}
	slices.SortFunc(out, func(a, b EnvironmentInfo) int {
		if d := envOrder(a.Env) - envOrder(b.Env); d != 0 {
			return d
		}
		return strings.Compare(a.Env, b.Env)
	})
	return out
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
