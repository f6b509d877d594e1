package workbench

import (
	"context"
	"errors"
	"regexp"
	"strings"

	"eightfold/backend/store"
	"eightfold/backend/vcs"
)

// maxWIPLimit bounds a column's WIP limit.
const maxWIPLimit = 999

// columnChanged returns a changed column as the board shows it, and announces the change.
func (p *Project) columnChanged(c store.Column, err error) (ColumnInfo, error) {
	if err != nil {
		return ColumnInfo{}, boardError(err)
	}
	b, err := p.Board()
	if err != nil {
		return ColumnInfo{}, err
	}
	p.changed("column", nil)
	for _, col := range b.Columns {
		if col.ID == c.ID {
			return col, nil
		}
	}
	return ColumnInfo{}, errorf(CodeNotFound, "column %d is not on this board any more: reload the board", c.ID)
}

// AddColumn adds a column after another (or at the end).
func (p *Project) AddColumn(nc NewColumn) (ColumnInfo, error) {
	name, err := checkLine("column name", nc.Name, maxName, true)
	if err != nil {
		return ColumnInfo{}, err
	}
	if err := checkOneOf("category", nc.Category, categories, false); err != nil {
		return ColumnInfo{}, err
	}
	if err := checkStage(nc.Stage); err != nil {
		return ColumnInfo{}, err
	}
	if err := checkWIPLimit(nc.WIPLimit); err != nil {
		return ColumnInfo{}, err
	}
	return p.columnChanged(p.store.AddColumn(context.Background(), p.id, store.NewColumn{Name: name, Category: nc.Category,
		Stage: nc.Stage, WIPLimit: nc.WIPLimit, AfterID: nc.AfterColumnID}, p.nowMs()))
}

func checkStage(stage string) error {
	if stage == "" {
		return nil
	}
	if err := checkOneOf("stage", stage, Stages, true); err != nil {
		return errorf(CodeBadRequest, "stage %q: use one of %s", stage, describeStages())
	}
	return nil
}

func checkWIPLimit(n int) error {
	if n < 0 || n > maxWIPLimit {
		return errorf(CodeBadRequest, "WIP limit %d: use 0 (no limit) to %d", n, maxWIPLimit)
	}
	return nil
}

// RenameColumn renames a column.
func (p *Project) RenameColumn(id int64, name string) (ColumnInfo, error) {
	name, err := checkLine("column name", name, maxName, true)
	if err != nil {
		return ColumnInfo{}, err
	}
	return p.columnChanged(p.store.RenameColumn(context.Background(), p.id, id, name))
}

// MoveColumn moves a column between beforeColumnID (the column that will be just left of it)
// and afterColumnID (just right of it); one of them alone puts it right next to that one,
// neither at the end.
func (p *Project) MoveColumn(id, beforeColumnID, afterColumnID int64) (ColumnInfo, error) {
	return p.columnChanged(p.store.MoveColumn(context.Background(), p.id, id, beforeColumnID, afterColumnID))
}

// SetWIPLimit sets a column's soft WIP limit (0: none). It never blocks a move: a column over
// its limit shows it.
func (p *Project) SetWIPLimit(id int64, limit int) (ColumnInfo, error) {
	if err := checkWIPLimit(limit); err != nil {
		return ColumnInfo{}, err
	}
	return p.columnChanged(p.store.SetWIPLimit(context.Background(), p.id, id, limit))
}

// RemoveColumn removes a column; its cards, if any, go to the end of column intoColumnID
// (required then). The last column cannot be removed.
func (p *Project) RemoveColumn(id, intoColumnID int64) error {
	if err := p.store.RemoveColumn(context.Background(), p.id, id, intoColumnID, p.nowMs()); err != nil {
		return boardError(err)
	}
	p.changed("column", nil)
	return nil
}

// labelPalette gives labels added without a colour one, in turn.
var labelPalette = []string{"#d73a4a", "#0075ca", "#0e8a16", "#fbca04", "#5319e7", "#e99695", "#006b75", "#b60205", "#1d76db", "#c5def5"}

var colorPattern = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// AddLabel adds a label to the board; color is #rrggbb, or "" for the next of a palette.
func (p *Project) AddLabel(name, color string) (LabelInfo, error) {
	name, err := checkLine("label name", name, maxName, true)
	if err != nil {
		return LabelInfo{}, err
	}
	if color == "" {
		b, err := p.boardMeta()
		if err != nil {
			return LabelInfo{}, err
		}
		color = labelPalette[len(b.Labels)%len(labelPalette)]
	}
	if !colorPattern.MatchString(color) {
		return LabelInfo{}, errorf(CodeBadRequest, "label colour %q: write it as #rrggbb, such as #d73a4a", color)
	}
	l, err := p.store.AddLabel(context.Background(), p.id, name, strings.ToLower(color))
	if err != nil {
		return LabelInfo{}, boardError(err)
	}
	p.changed("label", nil)
	return LabelInfo(l), nil
}

// SetCardLabels replaces a card's labels.
func (p *Project) SetCardLabels(cardID int64, labelIDs []int64) (CardInfo, error) {
	return p.cardChanged(p.store.SetCardLabels(context.Background(), p.id, cardID, labelIDs, p.nowMs()))
}

// itemChanged announces a change to a card's checklist: the card (its counts) changed.
func (p *Project) itemChanged(it store.ChecklistItem, err error) (ChecklistItemInfo, error) {
	if err != nil {
		return ChecklistItemInfo{}, boardError(err)
	}
	p.announceCard(it.CardID)
	return checklistItemInfo(it), nil
}

// announceCard emits board.changed with a card as it is now.
func (p *Project) announceCard(cardID int64) {
	c, err := p.store.Card(context.Background(), p.id, cardID)
	if err == nil {
		_, err = p.cardChanged(c, nil)
	}
	if err != nil {
		p.changed("card", nil) // the faces reload the board
	}
}

// AddChecklistItem adds an item at the end of a card's checklist.
func (p *Project) AddChecklistItem(cardID int64, text string) (ChecklistItemInfo, error) {
	text, err := checkLine("checklist item", text, maxTitle, true)
	if err != nil {
		return ChecklistItemInfo{}, err
	}
	return p.itemChanged(p.store.AddChecklistItem(context.Background(), p.id, cardID, text, p.nowMs()))
}

// ToggleChecklistItem ticks an item, or unticks a ticked one.
func (p *Project) ToggleChecklistItem(itemID int64) (ChecklistItemInfo, error) {
	return p.itemChanged(p.store.ToggleChecklistItem(context.Background(), p.id, itemID, p.nowMs()))
}

// MoveChecklistItem moves an item between two others of its checklist (ids; 0: none; one
// alone: right next to it; neither: to the end).
func (p *Project) MoveChecklistItem(itemID, beforeItemID, afterItemID int64) (ChecklistItemInfo, error) {
	return p.itemChanged(p.store.MoveChecklistItem(context.Background(), p.id, itemID, beforeItemID, afterItemID, p.nowMs()))
}

// RemoveChecklistItem removes an item of a card's checklist.
func (p *Project) RemoveChecklistItem(itemID int64) error {
	_, err := p.itemChanged(p.store.RemoveChecklistItem(context.Background(), p.id, itemID, p.nowMs()))
	return err
}

// LinkCommit links a card to a commit of the repository, named by its SHA (abbreviated or
// not) or any revision git understands (HEAD, a branch, a tag). The link stores the full SHA
// and the commit's subject. A commit linked by hand counts as closing the card: it is the
// card's work, so a green run that contains it is the card's too: a card in Plan moves to
// Code (through the journey's reducer). Linking it again changes nothing.
func (p *Project) LinkCommit(cardID int64, sha string) (LinkInfo, error) {
	sha = strings.TrimSpace(sha)
	if sha == "" || strings.HasPrefix(sha, "-") {
		return LinkInfo{}, errorf(CodeBadRequest, "commit %q: give the SHA of a commit of %s", sha, p.dir)
	}
	c, err := vcs.ResolveCommit(p.dir, sha)
	if errors.Is(err, vcs.ErrNoCommit) {
		return LinkInfo{}, errorf(CodeNotFound, "commit %q is not in the repository at %s: check the SHA with `git log`", sha, p.dir)
	}
	if err != nil {
		return LinkInfo{}, errorf(CodeConflict, "cannot link commit %q: %v", sha, err)
	}
	l, _, err := p.store.AddLink(context.Background(), p.id, store.Link{CardID: cardID, Kind: store.LinkCommit, Ref: c.SHA,
		Closing: true, Title: c.Subject, AtMs: c.When.UnixMilli()})
	if err != nil {
		return LinkInfo{}, boardError(err)
	}
	if n, err := p.linkCommitEvent(cardID, c.SHA); err != nil {
		return LinkInfo{}, boardError(err)
	} else if n == 0 {
		p.announceCard(cardID)
	}
	return linkInfo(l), nil
}
