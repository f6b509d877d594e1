package main

import (
	"errors"
	"time"

	"eightfold/backend/workbench"
)

// App is Eightfold's API, written once: Wails binds its exported methods for the desktop
// face and backend/server serves the same methods over HTTP for the browser face
// (docs/api.md). Every exported method is part of the API; lifecycle hooks are unexported.
type App struct {
	// started is closed once project or startErr is set; the desktop face sets them in
	// OnStartup, which Wails runs while the frontend may already be calling.
	started  chan struct{}
	project  *workbench.Project
	startErr error // why the desktop face could not open its project; every method returns it
}

// startWait bounds how long a call waits for the desktop face to finish starting.
const startWait = 30 * time.Second

// NewApp makes the API for an opened project.
func NewApp(p *workbench.Project) *App {
	a := newStartingApp()
	a.project = p
	close(a.started)
	return a
}

// newStartingApp makes an App whose project is set later; close(started) when it is.
func newStartingApp() *App { return &App{started: make(chan struct{})} }

func (a *App) ready() error {
	select {
	case <-a.started:
	case <-time.After(startWait):
		return errors.New("the workbench did not finish starting within 30 s")
	}
	if a.startErr != nil {
		return a.startErr
	}
	return nil
}

// Project describes the opened repository: path, git state, the effective pipeline and the
// places of the loop.
func (a *App) Project() (workbench.ProjectInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.ProjectInfo{}, err
	}
	return a.project.Info()
}

// StartRun starts the pipeline in the background and returns the new run.
func (a *App) StartRun() (workbench.RunInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.RunInfo{}, err
	}
	return a.project.StartRun(workbench.TriggerManual)
}

// CancelRun stops a run in progress.
func (a *App) CancelRun(id int64) error {
	if err := a.ready(); err != nil {
		return err
	}
	return a.project.CancelRun(id)
}

// Runs lists recent runs, newest first (limit ≤ 0: 50).
func (a *App) Runs(limit int) ([]workbench.RunInfo, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.project.Runs(limit)
}

// GetRun loads one run with its steps.
func (a *App) GetRun(id int64) (workbench.RunInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.RunInfo{}, err
	}
	return a.project.GetRun(id)
}

// StepLog returns a page of a step's output after afterSeq (0: from the start), at most
// about maxBytes (0: 1 MiB).
func (a *App) StepLog(stepID, afterSeq int64, maxBytes int) (workbench.LogPage, error) {
	if err := a.ready(); err != nil {
		return workbench.LogPage{}, err
	}
	return a.project.StepLog(stepID, afterSeq, maxBytes)
}

// WatchState says whether the repository is watched, how many directories, whether changes
// start runs, and what is pending.
func (a *App) WatchState() (workbench.WatchState, error) {
	if err := a.ready(); err != nil {
		return workbench.WatchState{}, err
	}
	return a.project.WatchState(), nil
}

// SetAutoRun turns starting runs on file changes on or off.
func (a *App) SetAutoRun(on bool) error {
	if err := a.ready(); err != nil {
		return err
	}
	return a.project.SetAutoRun(on)
}

// RunTests lists a run's test results, filtered by q.
func (a *App) RunTests(runID int64, q workbench.TestQuery) ([]workbench.TestResultInfo, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.project.RunTests(runID, q)
}

// TestDetail returns one test result with its output and its test's history.
func (a *App) TestDetail(resultID int64) (workbench.TestDetail, error) {
	if err := a.ready(); err != nil {
		return workbench.TestDetail{}, err
	}
	return a.project.TestDetail(resultID)
}

// RunInsights compares a run's tests with the last green and red runs: newly failing, fixed,
// slowest, slower than usual, and the commits and files since the last green run.
func (a *App) RunInsights(runID int64) (workbench.RunInsights, error) {
	if err := a.ready(); err != nil {
		return workbench.RunInsights{}, err
	}
	return a.project.RunInsights(runID)
}

// FlakyTests lists the flaky tests of the newest window runs (≤ 0: 50), with the evidence.
func (a *App) FlakyTests(window int) ([]workbench.FlakyInfo, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.project.FlakyTests(window)
}

// Board loads the plan board: its columns in order, each with its cards in order (made with
// the loop's default columns on first use).
func (a *App) Board() (workbench.BoardInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.BoardInfo{}, err
	}
	return a.project.Board()
}

// AddCard adds a card at the end of its column (column_id 0: the first backlog column).
func (a *App) AddCard(c workbench.NewCard) (workbench.CardInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.CardInfo{}, err
	}
	return a.project.AddCard(c)
}

// UpdateCard changes the title, description, assignee or due date of a card: the fields the
// patch sets.
func (a *App) UpdateCard(id int64, patch workbench.CardPatch) (workbench.CardInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.CardInfo{}, err
	}
	return a.project.UpdateCard(id, patch)
}

// MoveCard moves a card by hand into a column, between beforeCardID (the card just above its
// new place) and afterCardID (just below); 0 for either means none (one alone: right next to
// it; neither: the end of the column).
func (a *App) MoveCard(id, columnID, beforeCardID, afterCardID int64) (workbench.CardInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.CardInfo{}, err
	}
	return a.project.MoveCard(id, columnID, beforeCardID, afterCardID)
}

// UndoMove moves the card of the newest move by hand back where it was.
func (a *App) UndoMove() (workbench.CardInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.CardInfo{}, err
	}
	return a.project.UndoMove()
}

// CardDetail returns a card with its rendered description, checklist, links and transitions.
func (a *App) CardDetail(id int64) (workbench.CardDetail, error) {
	if err := a.ready(); err != nil {
		return workbench.CardDetail{}, err
	}
	return a.project.CardDetail(id)
}

// SetBoardKey sets the project key cards are named with ("APP": APP-12; "": #12).
func (a *App) SetBoardKey(key string) error {
	if err := a.ready(); err != nil {
		return err
	}
	return a.project.SetBoardKey(key)
}

// AddColumn adds a column after another (after_column_id 0: at the end).
func (a *App) AddColumn(c workbench.NewColumn) (workbench.ColumnInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.ColumnInfo{}, err
	}
	return a.project.AddColumn(c)
}

// RenameColumn renames a column.
func (a *App) RenameColumn(id int64, name string) (workbench.ColumnInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.ColumnInfo{}, err
	}
	return a.project.RenameColumn(id, name)
}

// MoveColumn moves a column between beforeColumnID (just left of its new place) and
// afterColumnID (just right); 0 for either means none, as for MoveCard.
func (a *App) MoveColumn(id, beforeColumnID, afterColumnID int64) (workbench.ColumnInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.ColumnInfo{}, err
	}
	return a.project.MoveColumn(id, beforeColumnID, afterColumnID)
}

// RemoveColumn removes a column; its cards go to the end of intoColumnID (required when it
// holds cards). The last column cannot be removed.
func (a *App) RemoveColumn(id, intoColumnID int64) error {
	if err := a.ready(); err != nil {
		return err
	}
	return a.project.RemoveColumn(id, intoColumnID)
}

// SetWIPLimit sets a column's soft WIP limit (0: none); it never blocks a move.
func (a *App) SetWIPLimit(id int64, limit int) (workbench.ColumnInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.ColumnInfo{}, err
	}
	return a.project.SetWIPLimit(id, limit)
}

// AddLabel adds a label to the board (color "#rrggbb", or "" for the next of a palette).
func (a *App) AddLabel(name, color string) (workbench.LabelInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.LabelInfo{}, err
	}
	return a.project.AddLabel(name, color)
}

// SetCardLabels replaces a card's labels.
func (a *App) SetCardLabels(cardID int64, labelIDs []int64) (workbench.CardInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.CardInfo{}, err
	}
	return a.project.SetCardLabels(cardID, labelIDs)
}

// AddChecklistItem adds an item at the end of a card's checklist.
func (a *App) AddChecklistItem(cardID int64, text string) (workbench.ChecklistItemInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.ChecklistItemInfo{}, err
	}
	return a.project.AddChecklistItem(cardID, text)
}

// ToggleChecklistItem ticks a checklist item, or unticks a ticked one.
func (a *App) ToggleChecklistItem(itemID int64) (workbench.ChecklistItemInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.ChecklistItemInfo{}, err
	}
	return a.project.ToggleChecklistItem(itemID)
}

// MoveChecklistItem moves a checklist item between two others (ids; 0: none, as for MoveCard).
func (a *App) MoveChecklistItem(itemID, beforeItemID, afterItemID int64) (workbench.ChecklistItemInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.ChecklistItemInfo{}, err
	}
	return a.project.MoveChecklistItem(itemID, beforeItemID, afterItemID)
}

// RemoveChecklistItem removes a checklist item.
func (a *App) RemoveChecklistItem(itemID int64) error {
	if err := a.ready(); err != nil {
		return err
	}
	return a.project.RemoveChecklistItem(itemID)
}

// LinkCommit links a card to a commit of the repository (a full or abbreviated SHA); the
// link counts as closing the card.
func (a *App) LinkCommit(cardID int64, sha string) (workbench.LinkInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.LinkInfo{}, err
	}
	return a.project.LinkCommit(cardID, sha)
}

// ScanCommits reads the repository's new commits and branches for card references now,
// links and moves the cards they name, and says how many commits it read and cards it
// changed. It also happens by itself: on opening, after each run and, while watching, when
// a branch head changes.
func (a *App) ScanCommits() (workbench.ScanReport, error) {
	if err := a.ready(); err != nil {
		return workbench.ScanReport{}, err
	}
	return a.project.ScanCommits()
}

// ReleasePreview proposes the next release of HEAD from the last version tag and the
// commits since: the version, why, and the changelog. bump is "" (from the commits), "major",
// "minor", "patch" or an explicit version.
func (a *App) ReleasePreview(bump string) (workbench.ReleasePreview, error) {
	if err := a.ready(); err != nil {
		return workbench.ReleasePreview{}, err
	}
	return a.project.ReleasePreview(bump)
}

// Release releases HEAD: the next version (or opts.Bump), an annotated tag with the
// changelog, the green run's artifacts kept in the data dir, and the cards it delivers
// moved to Released. A dry run writes nothing. Refusals are conflict errors that say why.
func (a *App) Release(opts workbench.ReleaseOptions) (workbench.ReleaseInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.ReleaseInfo{}, err
	}
	return a.project.Release(opts)
}

// Releases lists the project's releases, newest first.
func (a *App) Releases() ([]workbench.ReleaseInfo, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.project.Releases()
}

// Targets lists the deploy targets of eightfold.yaml with what each runs.
func (a *App) Targets() ([]workbench.TargetInfo, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.project.Targets()
}

// StartDeploy starts a deploy of a release (the newest when opts.Release is "") to a
// target and returns its record; deploy.updated events follow it to the end.
func (a *App) StartDeploy(opts workbench.DeployOptions) (workbench.DeployInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.DeployInfo{}, err
	}
	return a.project.StartDeploy(opts)
}

// StartPromote starts deploying to target to the release that is healthy on from;
// forceUnlock removes a stale lock of to first.
func (a *App) StartPromote(from, to string, confirm, forceUnlock bool) (workbench.DeployInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.DeployInfo{}, err
	}
	return a.project.StartPromote(from, to, confirm, forceUnlock)
}

// StartRollback starts switching a target back to its previous healthy release;
// forceUnlock removes a stale lock first.
func (a *App) StartRollback(target string, confirm, forceUnlock bool) (workbench.DeployInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.DeployInfo{}, err
	}
	return a.project.StartRollback(target, confirm, forceUnlock)
}

// CancelDeploy cancels a deploy, promotion or rollback that is going: it stops where it
// is, switches back if it had switched, and releases the lock.
func (a *App) CancelDeploy(id int64) error {
	if err := a.ready(); err != nil {
		return err
	}
	return a.project.CancelDeploy(id)
}

// Deploys lists deploys, newest first: of target only unless it is ""; limit 0 means 50.
func (a *App) Deploys(target string, limit int) ([]workbench.DeployInfo, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.project.Deploys(target, limit)
}

// GetDeploy returns a deploy with its steps and its log.
func (a *App) GetDeploy(id int64) (workbench.DeployInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.DeployInfo{}, err
	}
	return a.project.GetDeploy(id)
}

// TrustHostKey trusts the SSH host key of a target's server when it has exactly the
// fingerprint given ("SHA256:…"), as shown by a deploy refused for an unknown host.
func (a *App) TrustHostKey(target, fingerprint string) error {
	if err := a.ready(); err != nil {
		return err
	}
	return a.project.TrustHostKey(target, fingerprint)
}

// Checks lists the health checks (every target's health URL and checks:) with their state
// while monitored, the last stored result and the uptime over 7 days.
func (a *App) Checks() ([]workbench.CheckInfo, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.project.Checks()
}
