package workbench

import (
	"context"
	"errors"
	"slices"
	"strconv"

	journey "eightfold/backend/plan"
	"eightfold/backend/store"
	"eightfold/backend/vcs"
)

// ScanReport says what a scan of the repository's commits did.
type ScanReport struct {
	// Commits is how many commits it read: those not scanned before.
	Commits int `json:"commits"`
	// Cards is how many cards it changed (linked, moved or both).
	Cards int `json:"cards"`
}

// ScanCommits reads the repository's new commits and its local branches for card
// references, links the cards they name, and moves those cards along their journey (a
// commit or branch moves a card from Plan to Code).
//
// It walks back from every local branch head (and a detached HEAD) to the commits scanned
// before, so each commit is read once: the first scan reads the whole history, later ones
// only what was committed, fetched or merged since. Each commit message is parsed with
// plan.ParseCommit and each branch name with plan.ParseBranch, with the board's key;
// references to cards that do not exist are ignored (a card made later is not linked to
// older commits). A directory that is not a git repository has nothing to scan.
//
// Scans run when the project opens, after every run, and while the project is watched
// whenever a branch head or HEAD changes (watchRefs).
func (p *Project) ScanCommits() (ScanReport, error) {
	p.journeyMu.Lock()
	defer p.journeyMu.Unlock()
	ctx := context.Background()
	repo, err := vcs.OpenRepo(p.dir)
	if errors.Is(err, vcs.ErrNotRepository) {
		return ScanReport{}, nil
	}
	if err != nil {
		return ScanReport{}, err
	}
	defer repo.Close()
	heads, err := repo.Heads()
	if err != nil {
		return ScanReport{}, err
	}
	commits, err := p.newCommits(ctx, repo, heads)
	if err != nil {
		return ScanReport{}, err
	}
	key, used, err := p.store.BoardKey(ctx, p.id)
	if err != nil {
		return ScanReport{}, err
	}
	byNumber := map[int64][]journeyEvent{}
	if used {
		byNumber = p.references(commits, heads, key)
	}
	scanned := make([]string, 0, len(commits))
	for _, c := range commits {
		scanned = append(scanned, c.SHA)
	}
	var cards []store.JourneyCard
	events := map[int64][]journeyEvent{}
	if len(byNumber) > 0 {
		if cards, err = p.store.JourneyCards(ctx, p.id); err != nil {
			return ScanReport{}, err
		}
		for _, c := range cards {
			if evs := byNumber[c.Number]; len(evs) > 0 {
				events[c.ID] = evs
			}
		}
	}
	n, err := p.applyEvents(ctx, cards, events, scanned)
	return ScanReport{Commits: len(commits), Cards: n}, err
}

// newCommits returns the commits reachable from heads that were never scanned, oldest
// first. When every head was scanned there is nothing to walk, and the set of scanned
// commits is not even loaded.
func (p *Project) newCommits(ctx context.Context, repo *vcs.Repo, heads []vcs.Head) ([]vcs.LogCommit, error) {
	var tips []string
	for _, h := range heads {
		if !slices.Contains(tips, h.SHA) {
			tips = append(tips, h.SHA)
		}
	}
	n, err := p.store.CountScanned(ctx, p.id, tips)
	if err != nil || n == len(tips) {
		return nil, err
	}
	known, err := p.store.ScannedCommits(ctx, p.id)
	if err != nil {
		return nil, err
	}
	return repo.CommitsSince(tips, known)
}

// references turns the card references of commits (oldest first) and branch names into
// commit and branch events, by card number. Commits come first, in order; branches after.
func (p *Project) references(commits []vcs.LogCommit, heads []vcs.Head, key string) map[int64][]journeyEvent {
	out := map[int64][]journeyEvent{}
	for _, c := range commits {
		for _, r := range journey.ParseCommit(c.Message, key) {
			closing := r.Kind == journey.Closes
			out[int64(r.Number)] = append(out[int64(r.Number)], journeyEvent{
				Event: journey.Event{Kind: journey.EventCommit, At: c.When, Commit: c.SHA, Closing: closing},
				link:  &store.Link{Kind: store.LinkCommit, Ref: c.SHA, Closing: closing, Title: c.Subject, AtMs: c.When.UnixMilli()},
			})
		}
	}
	now := p.now()
	for _, h := range heads {
		if h.Branch == "" {
			continue
		}
		for _, r := range journey.ParseBranch(h.Branch, key) {
			out[int64(r.Number)] = append(out[int64(r.Number)], journeyEvent{
				Event: journey.Event{Kind: journey.EventBranch, At: now, Ref: h.Branch},
				link:  &store.Link{Kind: store.LinkBranch, Ref: h.Branch, AtMs: now.UnixMilli()},
			})
		}
	}
	return out
}

// scanQuietly scans for the hooks (opening, after a run, a ref change while watching),
// where nobody waits for an error: a broken repository must not stop a run or the watcher.
// Scans on demand (ScanCommits) report their errors.
func (p *Project) scanQuietly() {
	_, _ = p.ScanCommits()
}

// runCause names a run in a cause or link ref: its id.
func runCause(id int64) string { return strconv.FormatInt(id, 10) }
