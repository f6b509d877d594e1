package workbench

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"eightfold/backend/store"
)

// A CI run of an older commit, imported after a newer local run, has the higher run ID but
// started earlier: it does not override the local run's verdict on the card, yet it is on
// the card's timeline, before the local run. A CI run that started after the local one
// does override it.
func TestJourneyOrdersRunsByStart(t *testing.T) {
	j := newJourneyT(t, 1)
	older := j.commit("Fix the parser, closes #1")
	j.scan(2)
	newer := j.commit("Tidy the parser, refs #1")
	j.scan(1)
	local := j.run(false)
	failure := fmt.Sprintf("run #%d failed", local.ID)
	j.expect(1, "Code", failure)

	late := importCI(t, j.p, CIImport{Format: CIJUnit, Files: []string{junitAt(t, "2001-01-01T00:00:00Z", true)}, Commit: older})
	if late.ID <= local.ID || late.Status != store.StatusPassed {
		t.Fatalf("the CI run is #%d %s, want a passed run after #%d", late.ID, late.Status, local.ID)
	}
	j.expectRunLinks(j.expect(1, "Code", failure), late, local)

	ci := importCI(t, j.p, CIImport{Format: CIJUnit, Files: []string{junitAt(t, "2099-01-01T00:00:00Z", true)}, Commit: newer})
	d := j.expect(1, "Verified", "")
	if lastCause(d) != "run "+runCause(ci.ID) {
		t.Errorf("card #1 last moved by %q, want the CI run #%d", lastCause(d), ci.ID)
	}
	j.expectRunLinks(d, late, local, ci)
}

// A CI run whose reports say not when it ran counts on the cards as run at its commit's
// time (its record keeps the import's): the passing run of an older commit, imported after a
// newer local run failed, neither verifies the card nor clears the failure, and is on its
// timeline before the local run. Applied again, it is linked once.
func TestJourneyLateCIRunWithoutTimestamps(t *testing.T) {
	j := newJourneyT(t, 1)
	committed := time.Now().Add(-time.Hour).UTC().Truncate(time.Second)
	t.Setenv("GIT_COMMITTER_DATE", committed.Format(time.RFC3339))
	older := j.commit("Fix the parser, closes #1")
	j.commit("Tidy the parser, refs #1")
	j.scan(3)
	local := j.run(false)
	failure := fmt.Sprintf("run #%d failed", local.ID)

	quick := writeReport(t, "ok.xml", `<testsuite name="shop"><testcase classname="shop" name="pays" time="0.001"/></testsuite>`)
	late := importCI(t, j.p, CIImport{Format: CIJUnit, Files: []string{quick}, Commit: older})
	j.expectRunLinks(j.expect(1, "Code", failure), late, local)
	if late.Status != store.StatusPassed || late.FinishedAt <= local.FinishedAt {
		t.Errorf("the CI run #%d %s finished at %s, want a passed run recorded as ending at the import, after the local run (%s)",
			late.ID, late.Status, late.FinishedAt, local.FinishedAt)
	}
	again := late
	again.StartedAt = rfc3339(committed.UnixMilli())
	j.p.afterRun(again)
	j.expectRunLinks(j.expect(1, "Code", failure), late, local)
}

// expectRunLinks checks that d's run links are those of runs, in that order, each with
// its run's status.
func (j *journeyT) expectRunLinks(d CardDetail, runs ...RunInfo) {
	j.t.Helper()
	var got, want []string
	for _, l := range d.Links {
		if l.Kind == store.LinkRun {
			got = append(got, l.Ref+" "+l.Title)
		}
	}
	for _, r := range runs {
		want = append(want, runCause(r.ID)+" "+r.Status)
	}
	if !slices.Equal(got, want) {
		j.t.Errorf("card #%d run links %q, want %q", d.Card.Number, got, want)
	}
}
