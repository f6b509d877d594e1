package main

import (
	"errors"
	"time"

	"eightfold/backend/workbench"
)

// App is Eightfold's API, written once: Wails binds its exported methods for the desktop
// face and backend/server serves the same methods over HTTP for the browser face
// (docs/api.md). Every exported method is part of the API; lifecycle hooks are unexported.
// The methods act on the workspace's current project (app_projects.go opens and switches).
type App struct {
	// started is closed once workspace or startErr is set; the desktop face sets them in
	// OnStartup, which Wails runs while the frontend may already be calling.
	started   chan struct{}
	workspace *workbench.Workspace
	startErr  error // why the desktop face could not open its workspace; every method returns it
}

// startWait bounds how long a call waits for the desktop face to finish starting.
const startWait = 30 * time.Second

// NewApp makes the API for an opened workspace.
func NewApp(w *workbench.Workspace) *App {
	a := newStartingApp()
	a.workspace = w
	close(a.started)
	return a
}

// newStartingApp makes an App whose workspace is set later; close(started) when it is.
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

// cur is the current project; with none open the error has code no_project.
func (a *App) cur() (*workbench.Project, error) {
	if err := a.ready(); err != nil {
		return nil, err
	}
	return a.workspace.Current()
}

// Project describes the opened repository: path, git state, the effective pipeline and the
// places of the loop.
func (a *App) Project() (workbench.ProjectInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.ProjectInfo{}, err
	}
	return p.Info()
}

// StartRun starts the pipeline in the background and returns the new run.
func (a *App) StartRun() (workbench.RunInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.RunInfo{}, err
	}
	return p.StartRun(workbench.TriggerManual)
}

// CancelRun stops a run in progress.
func (a *App) CancelRun(id int64) error {
	p, err := a.cur()
	if err != nil {
		return err
	}
	return p.CancelRun(id)
}

// Runs lists recent runs, newest first (limit ≤ 0: 50).
func (a *App) Runs(limit int) ([]workbench.RunInfo, error) {
	p, err := a.cur()
	if err != nil {
		return nil, err
	}
	return p.Runs(limit)
}

// GetRun loads one run with its steps.
func (a *App) GetRun(id int64) (workbench.RunInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.RunInfo{}, err
	}
	return p.GetRun(id)
}

// StepLog returns a page of a step's output after afterSeq (0: from the start), at most
// about maxBytes (0: 1 MiB).
func (a *App) StepLog(stepID, afterSeq int64, maxBytes int) (workbench.LogPage, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.LogPage{}, err
	}
	return p.StepLog(stepID, afterSeq, maxBytes)
}

// WatchState says whether the repository is watched, how many directories, whether changes
// start runs, and what is pending.
func (a *App) WatchState() (workbench.WatchState, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.WatchState{}, err
	}
	return p.WatchState(), nil
}

// SetAutoRun turns starting runs on file changes on or off.
func (a *App) SetAutoRun(on bool) error {
	p, err := a.cur()
	if err != nil {
		return err
	}
	return p.SetAutoRun(on)
}

// RunTests lists a run's test results, filtered by q.
func (a *App) RunTests(runID int64, q workbench.TestQuery) ([]workbench.TestResultInfo, error) {
	p, err := a.cur()
	if err != nil {
		return nil, err
	}
	return p.RunTests(runID, q)
}

// TestDetail returns one test result with its output and its test's history.
func (a *App) TestDetail(resultID int64) (workbench.TestDetail, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.TestDetail{}, err
	}
	return p.TestDetail(resultID)
}

// RunInsights compares a run's tests with the last green and red runs: newly failing, fixed,
// slowest, slower than usual, and the commits and files since the last green run.
func (a *App) RunInsights(runID int64) (workbench.RunInsights, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.RunInsights{}, err
	}
	return p.RunInsights(runID)
}

// FlakyTests lists the flaky tests of the newest window runs (≤ 0: 50), with the evidence.
func (a *App) FlakyTests(window int) ([]workbench.FlakyInfo, error) {
	p, err := a.cur()
	if err != nil {
		return nil, err
	}
	return p.FlakyTests(window)
}

// Board loads the plan board: its columns in order, each with its cards in order (made with
// the loop's default columns on first use).
func (a *App) Board() (workbench.BoardInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.BoardInfo{}, err
	}
	return p.Board()
}

// AddCard adds a card at the end of its column (column_id 0: the first backlog column).
func (a *App) AddCard(c workbench.NewCard) (workbench.CardInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.CardInfo{}, err
	}
	return p.AddCard(c)
}

// UpdateCard changes the title, description, assignee or due date of a card: the fields the
// patch sets.
func (a *App) UpdateCard(id int64, patch workbench.CardPatch) (workbench.CardInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.CardInfo{}, err
	}
	return p.UpdateCard(id, patch)
}

// MoveCard moves a card by hand into a column, between beforeCardID (the card just above its
// new place) and afterCardID (just below); 0 for either means none (one alone: right next to
// it; neither: the end of the column).
func (a *App) MoveCard(id, columnID, beforeCardID, afterCardID int64) (workbench.CardInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.CardInfo{}, err
	}
	return p.MoveCard(id, columnID, beforeCardID, afterCardID)
}

// UndoMove moves the card of the newest move by hand back where it was.
func (a *App) UndoMove() (workbench.CardInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.CardInfo{}, err
	}
	return p.UndoMove()
}

// CardDetail returns a card with its rendered description, checklist, links and transitions.
func (a *App) CardDetail(id int64) (workbench.CardDetail, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.CardDetail{}, err
	}
	return p.CardDetail(id)
}

// SetBoardKey sets the project key cards are named with ("APP": APP-12; "": #12).
func (a *App) SetBoardKey(key string) error {
	p, err := a.cur()
	if err != nil {
		return err
	}
	return p.SetBoardKey(key)
}

// AddColumn adds a column after another (after_column_id 0: at the end).
func (a *App) AddColumn(c workbench.NewColumn) (workbench.ColumnInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.ColumnInfo{}, err
	}
	return p.AddColumn(c)
}

// RenameColumn renames a column.
func (a *App) RenameColumn(id int64, name string) (workbench.ColumnInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.ColumnInfo{}, err
	}
	return p.RenameColumn(id, name)
}

// MoveColumn moves a column between beforeColumnID (just left of its new place) and
// afterColumnID (just right); 0 for either means none, as for MoveCard.
func (a *App) MoveColumn(id, beforeColumnID, afterColumnID int64) (workbench.ColumnInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.ColumnInfo{}, err
	}
	return p.MoveColumn(id, beforeColumnID, afterColumnID)
}

// RemoveColumn removes a column; its cards go to the end of intoColumnID (required when it
// holds cards). The last column cannot be removed.
func (a *App) RemoveColumn(id, intoColumnID int64) error {
	p, err := a.cur()
	if err != nil {
		return err
	}
	return p.RemoveColumn(id, intoColumnID)
}

// SetWIPLimit sets a column's soft WIP limit (0: none); it never blocks a move.
func (a *App) SetWIPLimit(id int64, limit int) (workbench.ColumnInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.ColumnInfo{}, err
	}
	return p.SetWIPLimit(id, limit)
}

// AddLabel adds a label to the board (color "#rrggbb", or "" for the next of a palette).
func (a *App) AddLabel(name, color string) (workbench.LabelInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.LabelInfo{}, err
	}
	return p.AddLabel(name, color)
}

// SetCardLabels replaces a card's labels.
func (a *App) SetCardLabels(cardID int64, labelIDs []int64) (workbench.CardInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.CardInfo{}, err
	}
	return p.SetCardLabels(cardID, labelIDs)
}

// AddChecklistItem adds an item at the end of a card's checklist.
func (a *App) AddChecklistItem(cardID int64, text string) (workbench.ChecklistItemInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.ChecklistItemInfo{}, err
	}
	return p.AddChecklistItem(cardID, text)
}

// ToggleChecklistItem ticks a checklist item, or unticks a ticked one.
func (a *App) ToggleChecklistItem(itemID int64) (workbench.ChecklistItemInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.ChecklistItemInfo{}, err
	}
	return p.ToggleChecklistItem(itemID)
}

// MoveChecklistItem moves a checklist item between two others (ids; 0: none, as for MoveCard).
func (a *App) MoveChecklistItem(itemID, beforeItemID, afterItemID int64) (workbench.ChecklistItemInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.ChecklistItemInfo{}, err
	}
	return p.MoveChecklistItem(itemID, beforeItemID, afterItemID)
}

// RemoveChecklistItem removes a checklist item.
func (a *App) RemoveChecklistItem(itemID int64) error {
	p, err := a.cur()
	if err != nil {
		return err
	}
	return p.RemoveChecklistItem(itemID)
}

// LinkCommit links a card to a commit of the repository (a full or abbreviated SHA); the
// link counts as closing the card.
func (a *App) LinkCommit(cardID int64, sha string) (workbench.LinkInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.LinkInfo{}, err
	}
	return p.LinkCommit(cardID, sha)
}

// ScanCommits reads the repository's new commits and branches for card references now,
// links and moves the cards they name, and says how many commits it read and cards it
// changed. It also happens by itself: on opening, after each run and, while watching, when
// a branch head changes.
func (a *App) ScanCommits() (workbench.ScanReport, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.ScanReport{}, err
	}
	return p.ScanCommits()
}

// ReleasePreview proposes the next release of HEAD from the last version tag and the
// commits since: the version, why, and the changelog. bump is "" (from the commits), "major",
// "minor", "patch" or an explicit version.
func (a *App) ReleasePreview(bump string) (workbench.ReleasePreview, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.ReleasePreview{}, err
	}
	return p.ReleasePreview(bump)
}

// Release releases HEAD: the next version (or opts.Bump), an annotated tag with the
// changelog, the green run's artifacts kept in the data dir, and the cards it delivers
// moved to Released. A dry run writes nothing. Refusals are conflict errors that say why.
func (a *App) Release(opts workbench.ReleaseOptions) (workbench.ReleaseInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.ReleaseInfo{}, err
	}
	return p.Release(opts)
}

// Releases lists the project's releases, newest first.
func (a *App) Releases() ([]workbench.ReleaseInfo, error) {
	p, err := a.cur()
	if err != nil {
		return nil, err
	}
	return p.Releases()
}

// Targets lists the deploy targets of eightfold.yaml with what each runs.
func (a *App) Targets() ([]workbench.TargetInfo, error) {
	p, err := a.cur()
	if err != nil {
		return nil, err
	}
	return p.Targets()
}

// StartDeploy starts a deploy of a release (the newest when opts.Release is "") to a
// target and returns its record; deploy.updated events follow it to the end.
func (a *App) StartDeploy(opts workbench.DeployOptions) (workbench.DeployInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.DeployInfo{}, err
	}
	return p.StartDeploy(opts)
}

// StartPromote starts deploying to target to the release that is healthy on from;
// forceUnlock removes a stale lock of to first.
func (a *App) StartPromote(from, to string, confirm, forceUnlock bool) (workbench.DeployInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.DeployInfo{}, err
	}
	return p.StartPromote(from, to, confirm, forceUnlock)
}

// StartRollback starts switching a target back to its previous healthy release;
// forceUnlock removes a stale lock first.
func (a *App) StartRollback(target string, confirm, forceUnlock bool) (workbench.DeployInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.DeployInfo{}, err
	}
	return p.StartRollback(target, confirm, forceUnlock)
}

// CancelDeploy cancels a deploy, promotion or rollback that is going: it stops where it
// is, switches back if it had switched, and releases the lock.
func (a *App) CancelDeploy(id int64) error {
	p, err := a.cur()
	if err != nil {
		return err
	}
	return p.CancelDeploy(id)
}

// Deploys lists deploys, newest first: of target only unless it is ""; limit 0 means 50.
func (a *App) Deploys(target string, limit int) ([]workbench.DeployInfo, error) {
	p, err := a.cur()
	if err != nil {
		return nil, err
	}
	return p.Deploys(target, limit)
}

// GetDeploy returns a deploy with its steps and its log.
func (a *App) GetDeploy(id int64) (workbench.DeployInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.DeployInfo{}, err
	}
	return p.GetDeploy(id)
}

// TrustHostKey trusts the SSH host key of a target's server when it has exactly the
// fingerprint given ("SHA256:…"), as shown by a deploy refused for an unknown host.
func (a *App) TrustHostKey(target, fingerprint string) error {
	p, err := a.cur()
	if err != nil {
		return err
	}
	return p.TrustHostKey(target, fingerprint)
}

// Checks lists the health checks (every target's health URL and checks:) with their state
// while monitored, the last stored result and the uptime over 7 days.
func (a *App) Checks() ([]workbench.CheckInfo, error) {
	p, err := a.cur()
	if err != nil {
		return nil, err
	}
	return p.Checks()
}
