package workbench

import (
	"context"

	"eightfold/backend/store"
)

// autoCardsPerRun bounds the cards monitor.auto_cards makes for one run's newly failing
// tests: a run where everything breaks at once makes this many, not hundreds.
const autoCardsPerRun = 10

// autoTestCards makes the cards of a run's newly failing tests (monitor.auto_cards): one
// per test, so a test failing run after run keeps its one card until that card is done or
// canceled; failing again after that makes a new card.
func (p *Project) autoTestCards(newly []store.TestResult) {
	for _, r := range newly[:min(len(newly), autoCardsPerRun)] {
		if full, err := p.store.TestResultDetail(context.Background(), r.ID); err == nil {
			_, _ = p.testCard(full)
		}
	}
}
