package workbench

import (
	"bytes"
	"context"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"eightfold/backend/store"
)

// envs summarises where a card's work runs: "target version" each.
func envs(d CardDetail) []string {
	var out []string
	for _, e := range d.Environments {
		out = append(out, e.Env+" "+e.Version)
	}
	return out
}

// expectEnvs checks where card n's work runs now.
func (s *deploySite) expectEnvs(n int, want ...string) {
	s.t.Helper()
	if got := envs(s.card(n)); !slices.Equal(got, want) {
		s.t.Errorf("card #%d runs on %q, want %q", n, got, want)
	}
}

// deploy deploys the newest release to staging and returns its version.
func (s *deploySite) deployStaging() string {
	s.t.Helper()
	d, err := s.p.Deploy(context.Background(), DeployOptions{Target: "staging"}, "deploy")
	if err != nil {
		s.t.Fatalf("deploy: %v\n%s", err, d.Log)
	}
	return d.Version
}

// Where a card's work runs follows the real deploy records: a redeploy shows its version,
// a promotion adds production, a rollback to a release without the card's commit takes the
// card off staging, and one to an older release that has it shows that older version.
func TestEnvironmentsFollowDeploysAndRollbacks(t *testing.T) {
	s := newDeploySite(t, 2, "feat: one\n\nCloses #1", nil)
	s.release()
	v1 := s.deployStaging()
	s.expect(1, "Staging", "")
	s.expectEnvs(1, "staging "+v1)
	s.expectEnvs(2)

	s.commit("fix: two")
	s.run(true)
	s.release()
	v2 := s.deployStaging()
	s.expectEnvs(1, "staging "+v2) // was "staging v1" before: the card stayed in Staging, its version did not
	if _, err := s.p.Promote(context.Background(), "staging", "production", true, false); err != nil {
		t.Fatal(err)
	}
	s.expectEnvs(1, "staging "+v2, "production "+v2)

	s.commit("feat: three\n\nCloses #2")
	s.run(true)
	s.release()
	v3 := s.deployStaging()
	s.expect(2, "Staging", "")
	s.expectEnvs(2, "staging "+v3)
	s.expectEnvs(1, "staging "+v3, "production "+v2)

	rb, err := s.p.Rollback(context.Background(), "staging", false, false)
	if err != nil || rb.Version != v2 {
		t.Fatalf("rollback: %+v, %v", rb, err)
	}
	s.expectEnvs(2)                                  // v2 does not have card #2's commit
	s.expectEnvs(1, "staging "+v2, "production "+v2) // it has card #1's
	s.expect(2, "Staging", "")                       // the journey records where the card got to; a rollback takes no card back
}

// Targets are labelled as the card's deploy links label them, production after staging
// whatever the targets are called; a deployed commit the repository no longer has leaves
// its target out quietly, and one whose history cannot be read is logged.
func TestEnvironmentsLabelsAndUnreadableCommits(t *testing.T) {
	r := newReleaseT(t, `steps: [{name: a, run: 'true'}]
targets:
  qa: {local: true, path: /tmp/qa}
  live: {local: true, path: /tmp/live, production: true}
  gone: {local: true, path: /tmp/gone}
  broken: {local: true, path: /tmp/broken}
`, 1)
	work := r.commit("feat: one\n\nCloses #1")
	head := r.commit("chore: two")
	if _, err := r.p.ScanCommits(); err != nil {
		t.Fatal(err)
	}
	gitRun(t, r.dir, "commit", "-q", "--allow-empty", "-m", "chore: three")
	unreadable := gitRun(t, r.dir, "rev-parse", "HEAD")
	object := filepath.Join(r.dir, ".git", "objects", unreadable[:2], unreadable[2:])
	if err := os.Chmod(object, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(object, []byte("not zlib"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for target, commit := range map[string]string{"live": work, "qa": head, "gone": "0123456789abcdef0123456789abcdef01234567", "broken": unreadable} {
		id, err := r.p.store.CreateDeploy(ctx, store.Deploy{ProjectID: r.p.id, Target: target, Kind: "deploy", Version: "v1", Commit: commit, StartedMs: 1})
		if err != nil {
			t.Fatal(err)
		}
		if err := r.p.store.UpdateDeploy(ctx, store.Deploy{ID: id, Status: store.DeploySucceeded, Version: "v1", Commit: commit, FinishedMs: 2}); err != nil {
			t.Fatal(err)
		}
	}
	var logged bytes.Buffer
	log.SetOutput(&logged)
	t.Cleanup(func() { log.SetOutput(os.Stderr) })
	var got []string
	for _, e := range r.card(1).Environments {
		got = append(got, e.Env+" "+e.Target)
	}
	if want := []string{"staging qa", "production live"}; !slices.Equal(got, want) {
		t.Errorf("environments %q, want %q", got, want)
	}
	if out := logged.String(); !strings.Contains(out, "broken (deploy #") || strings.Contains(out, "gone") {
		t.Errorf("log %q: want the unreadable commit of broken, and nothing of gone", out)
	}
}
