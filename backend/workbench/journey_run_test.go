package workbench

import (
	"fmt"
	"testing"

	"eightfold/backend/store"
)

// A CI run of an older commit, imported after a newer local run, has the higher run ID but
// started earlier: it does not override the local run's verdict on the card. A CI run that
// started after the local one does.
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
	j.expect(1, "Code", failure)

	ci := importCI(t, j.p, CIImport{Format: CIJUnit, Files: []string{junitAt(t, "2099-01-01T00:00:00Z", true)}, Commit: newer})
	if d := j.expect(1, "Verified", ""); lastCause(d) != "run "+runCause(ci.ID) {
		t.Errorf("card #1 last moved by %q, want the CI run #%d", lastCause(d), ci.ID)
	}
}
