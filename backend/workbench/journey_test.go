package workbench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	journey "eightfold/backend/plan"
	"eightfold/backend/store"
)

// journeyT is a project on a git repository (branch main, one commit) whose pipeline
// passes unless the file "fail" exists, with cards #1 to #cards on its board.
type journeyT struct {
	t   *testing.T
	p   *Project
	rec *recorder
	dir string
}

func newJourneyT(t *testing.T, cards int) *journeyT {
	t.Helper()
	p, rec := newProject(t, "steps: [{name: test, run: '[ ! -e fail ]'}]\n")
	<-p.scanned // the scan made on opening is over: the test's scans count what they read
	os.WriteFile(filepath.Join(p.Dir(), ".gitignore"), []byte("fail\n"), 0o644)
	gitInit(t, p.Dir())
	for i := 1; i <= cards; i++ {
		mustCard(t, p, NewCard{Title: "card " + strconv.Itoa(i)})
	}
	return &journeyT{t: t, p: p, rec: rec, dir: p.Dir()}
}

// git runs git in the repository as a known author.
func (j *journeyT) git(args ...string) string {
	j.t.Helper()
	return gitRun(j.t, j.dir, append([]string{"-c", "user.name=T", "-c", "user.email=t@example.com"}, args...)...)
}

// commit makes an empty commit with message msg and returns its SHA.
func (j *journeyT) commit(msg string) string {
	j.t.Helper()
	j.git("commit", "-q", "--allow-empty", "-m", msg)
	return j.git("rev-parse", "HEAD")
}

// scan scans and checks how many commits it read.
func (j *journeyT) scan(wantCommits int) ScanReport {
	j.t.Helper()
	r, err := j.p.ScanCommits()
	if err != nil {
		j.t.Fatal(err)
	}
	if r.Commits != wantCommits {
		j.t.Errorf("the scan read %d commits, want %d", r.Commits, wantCommits)
	}
	return r
}

// run runs the pipeline, passing or failing as asked.
func (j *journeyT) run(pass bool) RunInfo {
	j.t.Helper()
	fail := filepath.Join(j.dir, "fail")
	if pass {
		os.Remove(fail)
	} else {
		os.WriteFile(fail, nil, 0o644)
	}
	r, err := j.p.RunNow(context.Background(), TriggerManual, nil)
	if err != nil {
		j.t.Fatal(err)
	}
	want := store.StatusFailed
	if pass {
		want = store.StatusPassed
	}
	if r.Status != want {
		j.t.Fatalf("run #%d is %s, want %s (%s)", r.ID, r.Status, want, r.Error)
	}
	return r
}

// verified commits msg (which closes card #1), scans, runs green and checks that card #1
// is in Verified; it returns the commit's SHA.
func (j *journeyT) verified(msg string) string {
	j.t.Helper()
	sha := j.commit(msg)
	j.scan(2)
	j.run(true)
	j.expect(1, "Verified", "")
	return sha
}

// feed applies a release or deploy event of commit sha, as releases and deploys will.
func (j *journeyT) feed(sha string, e journey.Event, link store.Link) {
	j.t.Helper()
	e.At = time.Now()
	link.AtMs = e.At.UnixMilli()
	if _, err := j.p.applyContaining(sha, e, link); err != nil {
		j.t.Fatal(err)
	}
}

// deployEvent is the event and the link of a deploy of version to env, as the deploy stage
// will record them.
func deployEvent(env, version string, ok bool) (journey.Event, store.Link) {
	title := DeployLinkFailed
	if ok {
		title = DeployLinkOK
	}
	return journey.Event{Kind: journey.EventDeploy, Env: env, Version: version, OK: ok},
		store.Link{Kind: store.LinkDeploy, Ref: env + " " + version, Title: title}
}

// release feeds a release of version that contains commit sha.
func (j *journeyT) release(sha, version string) {
	j.t.Helper()
	j.feed(sha, journey.Event{Kind: journey.EventRelease, Version: version}, store.Link{Kind: store.LinkRelease, Ref: version})
}

// card returns card number n in detail.
func (j *journeyT) card(n int) CardDetail {
	j.t.Helper()
	c, err := j.p.CardByKey(strconv.Itoa(n))
	if err != nil {
		j.t.Fatal(err)
	}
	d, err := j.p.CardDetail(c.ID)
	if err != nil {
		j.t.Fatal(err)
	}
	return d
}

// expect checks card n's column and failure ("" for none).
func (j *journeyT) expect(n int, column, failure string) CardDetail {
	j.t.Helper()
	d := j.card(n)
	if d.Card.Column != column || d.Card.Failure != failure {
		j.t.Errorf("card #%d is in %s with failure %q, want %s with %q", n, d.Card.Column, d.Card.Failure, column, failure)
	}
	return d
}

// lastCause is the cause of a card's newest transition.
func lastCause(d CardDetail) string {
	t := d.Transitions[len(d.Transitions)-1]
	return t.CauseKind + " " + t.CauseRef
}

// links counts a card's links of a kind, and its closing ones.
func links(d CardDetail, kind string) (n, closing int) {
	for _, l := range d.Links {
		if l.Kind == kind {
			n++
			if l.Closing {
				closing++
			}
		}
	}
	return n, closing
}

func hasLink(d CardDetail, kind, ref string) bool {
	for _, l := range d.Links {
		if l.Kind == kind && l.Ref == ref {
			return true
		}
	}
	return false
}

func (j *journeyT) columnID(name string) int64 {
	j.t.Helper()
	b, err := j.p.Board()
	if err != nil {
		j.t.Fatal(err)
	}
	return column(j.t, b, name).ID
}

// The loop of issue 5: a branch and a closing commit move a card to Code, a failed run shows
// its failure, a green run verifies it, a mention does not close, and a card sent back by
// hand stays where the person put it.
func TestJourneyThroughCommitsAndRuns(t *testing.T) {
	j := newJourneyT(t, 13)
	j.scan(1) // the first commit: no reference

	j.git("switch", "-q", "-c", "12-login")
	before := j.rec.count(TopicBoardChanged)
	if r := j.scan(0); r.Cards != 1 {
		t.Errorf("a branch for #12: %+v, want one card changed", r)
	}
	if j.rec.count(TopicBoardChanged) != before+1 {
		t.Error("a scan that moved a card announces it")
	}
	d := j.expect(12, "Code", "")
	if lastCause(d) != "branch 12-login" {
		t.Errorf("moved by %q, want branch 12-login", lastCause(d))
	}
	if n, _ := links(d, "branch"); n != 1 {
		t.Errorf("branch links %+v", d.Links)
	}
	j.git("switch", "-q", "main")

	fix := j.commit("Fix the login form\n\nfix #12")
	mention := j.commit("Tidy the session code, refs #13")
	j.scan(2)
	d = j.expect(12, "Code", "")
	if n, closing := links(d, "commit"); n != 1 || closing != 1 || !hasLink(d, "commit", fix) {
		t.Errorf("card #12's commit link %+v, want %s closing", d.Links, fix)
	}
	d = j.expect(13, "Code", "")
	if n, closing := links(d, "commit"); n != 1 || closing != 0 || lastCause(d) != "commit "+mention {
		t.Errorf("card #13: links %+v, moved by %q", d.Links, lastCause(d))
	}
	j.expect(1, "Plan", "")

	failed := j.run(false)
	d = j.expect(12, "Code", "run #"+strconv.FormatInt(failed.ID, 10)+" failed")
	if n, _ := links(d, "run"); n != 1 {
		t.Errorf("a failed run is linked: %+v", d.Links)
	}
	j.expect(13, "Code", "run #"+strconv.FormatInt(failed.ID, 10)+" failed") // it contains #13's commit too

	green := j.run(true)
	d = j.expect(12, "Verified", "")
	if lastCause(d) != "run "+strconv.FormatInt(green.ID, 10) {
		t.Errorf("moved by %q, want the green run", lastCause(d))
	}
	j.expect(13, "Code", "") // refs #13 does not close it; the green run clears the failure

	// Sent back to Plan by hand: the next green run of the same commits does not push it on.
	if _, err := j.p.MoveCard(j.card(12).Card.ID, j.columnID("Plan"), 0, 0); err != nil {
		t.Fatal(err)
	}
	j.run(true)
	j.expect(12, "Plan", "")
	j.expect(13, "Code", "")

	// A new closing commit counts again.
	j.commit("fix #12 for good")
	j.run(true)
	j.expect(12, "Verified", "")

	// Rescans read nothing and change nothing.
	if r := j.scan(0); r.Cards != 0 {
		t.Errorf("a rescan changed %d cards", r.Cards)
	}
}

// A closing commit on a side branch is in Code at once, but only a run that contains it
// (after the merge) verifies it.
func TestJourneyAcrossAMerge(t *testing.T) {
	j := newJourneyT(t, 7)
	j.git("switch", "-q", "-c", "feature/search")
	side := j.commit("Add search\n\nCloses #7")
	j.git("switch", "-q", "main")
	j.commit("unrelated work on main")
	j.scan(3)
	d := j.expect(7, "Code", "")
	if lastCause(d) != "commit "+side {
		t.Errorf("moved by %q", lastCause(d))
	}
	j.run(true) // main does not contain the side commit
	j.expect(7, "Code", "")
	j.git("merge", "-q", "--no-ff", "-m", "Merge branch feature/search", "feature/search")
	j.scan(1)
	j.run(true)
	j.expect(7, "Verified", "")
}

// Other keys than the board's do not touch its cards; the board's key and #N both do.
func TestJourneyKeys(t *testing.T) {
	j := newJourneyT(t, 3)
	if err := j.p.SetBoardKey("APP"); err != nil {
		t.Fatal(err)
	}
	j.commit("fixes OTHER-1")
	j.commit("see app-2")
	j.commit("closes #3")
	j.scan(4)
	j.expect(1, "Plan", "")
	j.expect(2, "Code", "")
	j.expect(3, "Code", "")
	if n, _ := links(j.card(1), "commit"); n != 0 {
		t.Error("OTHER-1 linked card APP-1")
	}
	// A reference to a card that does not exist is ignored; the commit is scanned all the same.
	j.commit("fixes #99")
	j.scan(1)
	j.scan(0)
}

// Release and deploy events, fed through the path runs take, move a card to Released, Staging and Production, and a failed deploy shows its failure.
// Figures follow.
func TestJourneyReleasesAndDeploys(t *testing.T) {
	j := newJourneyT(t, 1)
	sha := j.verified("implement #1")
	feed := func(e journey.Event, link store.Link) { j.feed(sha, e, link) }
	j.release(sha, "v1.0.0")
	d := j.expect(1, "Released", "")
	if lastCause(d) != "release v1.0.0" {
		t.Errorf("moved by %q", lastCause(d))
	}
	feed(deployEvent("staging", "v1.0.0", true))
	j.expect(1, "Staging", "")
	feed(deployEvent("production", "v1.0.0", false))
	d = j.expect(1, "Staging", "production deploy of v1.0.0 failed")
	if d.Figures.Delivered || d.Figures.LeadTimeMs != nil || d.Figures.CycleTimeMs != nil || !d.Figures.Started {
		t.Errorf("figures before delivery %+v", d.Figures)
	}
	feed(deployEvent("production", "v1.0.1", true))
	d = j.expect(1, "Production", "")
	if len(d.Environments) != 0 { // they come from deploy records: see TestEnvironmentsFollowDeploysAndRollbacks
		t.Errorf("environments without a deploy record: %+v", d.Environments)
	}
	if n, _ := links(d, "deploy"); n != 3 {
		t.Errorf("deploy links %+v", d.Links)
	}
	f := d.Figures
	if !f.Delivered || f.LeadTimeMs == nil || f.CycleTimeMs == nil || *f.CycleTimeMs > *f.LeadTimeMs || f.StartedAt == "" || f.DeliveredAt == "" {
		t.Errorf("figures after delivery %+v", f)
	}
	b, err := j.p.Board()
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Figures.Weeks) != 8 || b.Figures.Weeks[7].Cards != 1 || b.Figures.Delivered != 1 || b.Figures.MedianCycleTimeMs == nil {
		t.Errorf("board figures %+v", b.Figures)
	}
	// A card already delivered is not concerned by later runs: no more run links pile up.
	runs, _ := links(d, "run")
	j.run(true)
	if n, _ := links(j.card(1), "run"); n != runs {
		t.Errorf("a delivered card got %d run links, had %d", n, runs)
	}
}

// A card its commits only mention lists every run of them with its status, though no run
// moves it; a failed one also shows on the card.
func TestJourneyRunsOfAMentioningCard(t *testing.T) {
	j := newJourneyT(t, 1)
	j.commit("Tidy the parser, refs #1")
	j.scan(2)
	j.expect(1, "Code", "")
	runs := []RunInfo{j.run(true), j.run(true), j.run(false)}
	j.expectRunLinks(j.expect(1, "Code", fmt.Sprintf("run #%d failed", runs[2].ID)), runs...)
}

// A move by hand records who made it: git's identity in the project's repository, as
// release tags do; without a repository, user@machine, as deploys do.
func TestMoveByHandRecordsWho(t *testing.T) {
	for _, v := range []string{"GIT_COMMITTER_NAME", "GIT_COMMITTER_EMAIL"} { // they would win over the repository's config
		t.Setenv(v, "")
		os.Unsetenv(v)
	}
	j := newJourneyT(t, 1)
	j.git("config", "user.name", "Ann Lee")
	j.git("config", "user.email", "ann@example.com")
	if _, err := j.p.MoveCard(j.card(1).Card.ID, j.columnID("Code"), 0, 0); err != nil {
		t.Fatal(err)
	}
	if got := lastCause(j.card(1)); got != "user Ann Lee <ann@example.com>" {
		t.Errorf("moved by %q", got)
	}

	p, _ := newProject(t, "")
	c := mustCard(t, p, NewCard{Title: "outside git"})
	b, err := p.Board()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.MoveCard(c.ID, column(t, b, "Code").ID, 0, 0); err != nil {
		t.Fatal(err)
	}
	d, err := p.CardDetail(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := lastCause(d); got != "user "+whoAmI() || !strings.Contains(got, "@") {
		t.Errorf("moved by %q outside a repository, want %q", got, whoAmI())
	}
}

// An undo of a move back to Plan restores the journey: the retired commits count again.
func TestJourneyUndoRestoresRetiredCommits(t *testing.T) {
	j := newJourneyT(t, 1)
	sha := j.verified("fix #1")
	if _, err := j.p.MoveCard(j.card(1).Card.ID, j.columnID("Plan"), 0, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := j.p.UndoMove(); err != nil {
		t.Fatal(err)
	}
	j.expect(1, "Verified", "")
	j.release(sha, "v2")
	j.expect(1, "Released", "")
}

// A commit linked by hand moves its card to Code, like one found by a scan.
func TestJourneyLinkCommitByHand(t *testing.T) {
	j := newJourneyT(t, 2)
	sha := j.commit("work without a reference")
	if _, err := j.p.LinkCommit(j.card(2).Card.ID, sha); err != nil {
		t.Fatal(err)
	}
	d := j.expect(2, "Code", "")
	if lastCause(d) != "commit "+sha {
		t.Errorf("moved by %q", lastCause(d))
	}
	j.run(true)
	j.expect(2, "Verified", "")
}

// Without a column bound to Verified, a green run leaves the card where it is and logs
// nothing; a release then moves it on.
func TestJourneyWithoutABoundColumn(t *testing.T) {
	j := newJourneyT(t, 1)
	if err := j.p.RemoveColumn(j.columnID("Verified"), 0); err != nil {
		t.Fatal(err)
	}
	sha := j.commit("fix #1")
	j.scan(2)
	j.run(true)
	d := j.expect(1, "Code", "")
	transitions := len(d.Transitions)
	j.release(sha, "v1")
	d = j.expect(1, "Released", "")
	if len(d.Transitions) != transitions+1 {
		t.Errorf("transitions %+v", d.Transitions)
	}
}

// A commit made while the project is watched moves its card without any run: the watcher
// polls the branch heads.
func TestJourneyHeadChangeWhileWatching(t *testing.T) {
	j := newJourneyT(t, 1)
	j.scan(1)
	stop := j.p.WatchInBackground(WatchOptions{})
	defer stop()
	waitFor(t, func() bool { return j.p.WatchState().Watching })
	j.commit("fix #1")
	waitFor(t, func() bool {
		for _, e := range boardEvents(j.rec) {
			if e.Card != nil && e.Card.Number == 1 && e.Card.Column == "Code" {
				return true
			}
		}
		return false
	})
	stop()
	if n := j.rec.count(TopicRunStarted); n != 0 {
		t.Errorf("%d runs started; a commit alone starts none", n)
	}
}
