package workbench

import (
	"slices"
	"testing"

	"eightfold/backend/store"
)

// What runs where is the last successful deploy per environment: a later failed deploy or
// a later commit does not change it.
func TestEnvironmentsFromDeployLinks(t *testing.T) {
	link := func(ref, title string, at int64) store.Link {
		return store.Link{Kind: store.LinkDeploy, Ref: ref, Title: title, AtMs: at}
	}
	got := environments([]store.Link{
		{Kind: store.LinkCommit, Ref: "abc", Title: "fix #1", AtMs: 1},
		link("qa v0.9.0", DeployLinkOK, 2),
		link("production v1.0.0", DeployLinkOK, 3),
		link("staging v1.0.0", DeployLinkOK, 4),
		link("staging v1.1.0", DeployLinkOK, 5),
		link("staging v1.2.0", DeployLinkFailed, 6),
		link("production v1.1.0", DeployLinkFailed, 7),
	})
	var summary []string
	for _, e := range got {
		summary = append(summary, e.Env+" "+e.Version)
	}
	if want := []string{"staging v1.1.0", "production v1.0.0", "qa v0.9.0"}; !slices.Equal(summary, want) {
		t.Errorf("got %q, want %q", summary, want)
	}
	if len(environments(nil)) != 0 {
		t.Error("environments without deploys")
	}
}
