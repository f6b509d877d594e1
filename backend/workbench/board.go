package workbench

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	journey "eightfold/backend/plan"
	"eightfold/backend/store"
)

// CodeBadRequest is the error code of a request whose arguments are wrong (an empty title, a
// date that is not YYYY-MM-DD…).
const CodeBadRequest = "bad_request"

// BoardInfo is the plan board: its columns in order, each with its cards in order.
type BoardInfo struct {
	// Key is the project key cards are shown with ("APP": APP-12); "" shows them as #12.
	Key     string       `json:"key"`
	Columns []ColumnInfo `json:"columns"`
	Labels  []LabelInfo  `json:"labels"` // by name
	// Today is the local date due states were computed for (YYYY-MM-DD).
	Today string `json:"today"`
	// Figures are the throughput and median cycle time of the last 8 weeks.
	Figures BoardFigures `json:"figures"`
}

// ColumnInfo is a column of the board with its cards.
type ColumnInfo struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	Category string `json:"category"` // backlog, started, done or canceled
	// Stage is the journey stage that moves cards here ("" for a column bound to none).
	Stage     string     `json:"stage"`
	WIPLimit  int        `json:"wip_limit"`  // 0: none
	Count     int        `json:"count"`      // cards in the column
	OverLimit bool       `json:"over_limit"` // Count > WIPLimit > 0: the pill turns red (moves are never blocked)
	Cards     []CardInfo `json:"cards"`
}

// CardInfo is a card as the board shows it.
type CardInfo struct {
	ID       int64  `json:"id"`
	Number   int64  `json:"number"`
	Key      string `json:"key"` // "APP-12", or "#12" when the board has no key
	Title    string `json:"title"`
	Assignee string `json:"assignee"`
	Due      string `json:"due"` // YYYY-MM-DD or ""
	// DueState is "overdue" (due before today), "due_soon" (due within two days) or "".
	// Cards in a done or canceled column are never due.
	DueState       string      `json:"due_state"`
	ColumnID       int64       `json:"column_id"`
	Column         string      `json:"column"` // its name
	Rank           string      `json:"rank"`
	Stage          string      `json:"stage"`   // where its journey is
	Failure        string      `json:"failure"` // what the journey last reported failing; "" when fine
	Labels         []LabelInfo `json:"labels"`
	ChecklistDone  int         `json:"checklist_done"`
	ChecklistTotal int         `json:"checklist_total"`
	CreatedAt      string      `json:"created_at"`
	UpdatedAt      string      `json:"updated_at"`
	EnteredAt      string      `json:"entered_at"` // when it entered its column
}

// LabelInfo is a label of the board.
type LabelInfo struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color"` // #rrggbb
}

// NewCard is a card to add.
type NewCard struct {
	Title       string  `json:"title"`
	Description string  `json:"description"` // markdown
	Assignee    string  `json:"assignee"`
	Due         string  `json:"due"`       // YYYY-MM-DD or ""
	ColumnID    int64   `json:"column_id"` // 0: the first backlog column
	LabelIDs    []int64 `json:"label_ids"`
}

// CardPatch changes the fields that are set (absent or null: unchanged; "" clears).
type CardPatch struct {
	Title       *string `json:"title,omitempty"`
	Description *string `json:"description,omitempty"`
	Assignee    *string `json:"assignee,omitempty"`
	Due         *string `json:"due,omitempty"`
}

// CardDetail is a card with its description, checklist, links and transitions.
type CardDetail struct {
	Card        CardInfo `json:"card"`
	Description string   `json:"description"` // markdown source
	// DescriptionHTML is the description rendered and sanitised: safe to insert as HTML.
	DescriptionHTML string              `json:"description_html"`
	Checklist       []ChecklistItemInfo `json:"checklist"`
	Links           []LinkInfo          `json:"links"`       // oldest first
	Transitions     []TransitionInfo    `json:"transitions"` // oldest first
	Figures         CardFigures         `json:"figures"`
	// Environments say where the card's work runs now: per target, the version of its
	// current deploy when that contains the card's closing commits (see environments).
	Environments []EnvironmentInfo `json:"environments"`
}

// ChecklistItemInfo is an item of a card's checklist.
type ChecklistItemInfo struct {
	ID     int64  `json:"id"`
	CardID int64  `json:"card_id"`
	Text   string `json:"text"`
	Done   bool   `json:"done"`
}

// LinkInfo ties a card to a commit, branch, run, release or deploy.
type LinkInfo struct {
	Kind    string `json:"kind"`    // commit, branch, run, release or deploy
	Ref     string `json:"ref"`     // full SHA, branch name, run id, version, "staging v1.4.0"
	Closing bool   `json:"closing"` // the commit closes the card, not only mentions it
	Title   string `json:"title"`   // a commit's subject and the like
	At      string `json:"at"`      // when it happened (a commit's time)
}

// TransitionInfo is one change of a card's column or stage, and its cause.
type TransitionInfo struct {
	ID           int64  `json:"id"`
	FromColumnID int64  `json:"from_column_id"` // 0: the card was created
	FromColumn   string `json:"from_column"`
	ToColumnID   int64  `json:"to_column_id"`
	ToColumn     string `json:"to_column"`
	FromStage    string `json:"from_stage"`
	ToStage      string `json:"to_stage"`
	// CauseKind is user (by hand), column (its column was removed), undo, commit, branch,
	// run, release or deploy; CauseRef who moved it by hand ("" for a creation), or the
	// SHA, branch, run id, version… it names.
	CauseKind string `json:"cause_kind"`
	CauseRef  string `json:"cause_ref"`
	At        string `json:"at"`
	Undone    bool   `json:"undone"` // a later undo reverted it
}

// NewColumn is a column to add.
type NewColumn struct {
	Name          string `json:"name"`
	Category      string `json:"category"` // backlog, started, done or canceled
	Stage         string `json:"stage"`    // a journey stage, or "" for none
	WIPLimit      int    `json:"wip_limit"`
	AfterColumnID int64  `json:"after_column_id"` // 0: at the end
}

// BoardChanged is the payload of the board.changed event.
type BoardChanged struct {
	// What changed: "card" (Card is it as it is now), "column", "label" or "board" (the key).
	What string    `json:"what"`
	Card *CardInfo `json:"card"`
}

// Stages are the stages of a card's journey, in order; a column may be bound to one.
var Stages = []string{string(journey.StagePlan), string(journey.StageCode), string(journey.StageVerified),
	string(journey.StageReleased), string(journey.StageStaging), string(journey.StageProduction), string(journey.StageCanceled)}

var categories = []string{store.CategoryBacklog, store.CategoryStarted, store.CategoryDone, store.CategoryCanceled}

// boardError turns the store's board errors into coded errors for the faces.
func boardError(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, store.ErrNotFound):
		return errorf(CodeNotFound, "%s", err)
	case errors.Is(err, store.ErrRefused):
		return errorf(CodeConflict, "%s", err)
	}
	return err
}

func (p *Project) nowMs() int64 { return p.now().UnixMilli() }

func (p *Project) changed(what string, c *CardInfo) {
	p.emit.Emit(TopicBoardChanged, BoardChanged{What: what, Card: c})
}

// Board loads the board (made with the default columns on first use).
func (p *Project) Board() (BoardInfo, error) {
	b, err := p.store.Board(context.Background(), p.id, p.nowMs())
	if err != nil {
		return BoardInfo{}, err
	}
	now := p.now()
	deliveries, err := p.deliveries(now)
	if err != nil {
		return BoardInfo{}, err
	}
	return boardInfo(b, deliveries, now), nil
}

// DefaultBoard is the board of a project that never used one, as a face with nothing
// recorded yet shows it (its columns have id 0).
func DefaultBoard(now time.Time) BoardInfo { return boardInfo(store.UnusedBoard(), nil, now) }

func boardInfo(b store.Board, deliveries []store.Delivery, now time.Time) BoardInfo {
	v := newBoardView(b, now)
	info := BoardInfo{Key: b.Key, Columns: make([]ColumnInfo, 0, len(b.Columns)), Labels: v.labelInfos(),
		Today: v.today.Format(time.DateOnly), Figures: boardFigures(deliveries, now)}
	at := map[int64]int{}
	for _, c := range b.Columns {
		at[c.ID] = len(info.Columns)
		info.Columns = append(info.Columns, ColumnInfo{ID: c.ID, Name: c.Name, Category: c.Category, Stage: c.Stage,
			WIPLimit: c.WIPLimit, Cards: []CardInfo{}})
	}
	for _, c := range b.Cards {
		i, ok := at[c.ColumnID]
		if !ok {
			continue
		}
		info.Columns[i].Cards = append(info.Columns[i].Cards, v.cardInfo(c))
	}
	for i := range info.Columns {
		col := &info.Columns[i]
		col.Count = len(col.Cards)
		col.OverLimit = col.WIPLimit > 0 && col.Count > col.WIPLimit
	}
	return info
}

// boardView turns the store's cards into CardInfo: it knows the key, the columns, the labels
// and today's date.
type boardView struct {
	key     string
	columns map[int64]store.Column
	labels  []store.Label
	byID    map[int64]store.Label
	today   time.Time
}

func (p *Project) boardView(b store.Board) boardView { return newBoardView(b, p.now()) }

func newBoardView(b store.Board, now time.Time) boardView {
	v := boardView{key: b.Key, columns: map[int64]store.Column{}, labels: b.Labels, byID: map[int64]store.Label{},
		today: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())}
	for _, c := range b.Columns {
		v.columns[c.ID] = c
	}
	for _, l := range b.Labels {
		v.byID[l.ID] = l
	}
	return v
}

func (v boardView) labelInfos() []LabelInfo {
	out := make([]LabelInfo, 0, len(v.labels))
	for _, l := range v.labels {
		out = append(out, LabelInfo(l))
	}
	return out
}

func (v boardView) cardInfo(c store.Card) CardInfo {
	col := v.columns[c.ColumnID]
	ci := CardInfo{ID: c.ID, Number: c.Number, Key: cardKey(v.key, c.Number), Title: c.Title, Assignee: c.Assignee,
		Due: c.Due, DueState: dueState(c.Due, col.Category, v.today), ColumnID: c.ColumnID, Column: col.Name, Rank: c.Rank,
		Stage: c.Stage, Failure: c.Failure, Labels: make([]LabelInfo, 0, len(c.LabelIDs)),
		ChecklistDone: c.ChecklistDone, ChecklistTotal: c.ChecklistTotal,
		CreatedAt: rfc3339(c.CreatedMs), UpdatedAt: rfc3339(c.UpdatedMs), EnteredAt: rfc3339(c.EnteredMs)}
	for _, id := range c.LabelIDs {
		ci.Labels = append(ci.Labels, LabelInfo(v.byID[id]))
	}
	return ci
}

// cardKey is how a card is named: "APP-12", or "#12" on a board without a key.
func cardKey(key string, number int64) string {
	if key == "" {
		return "#" + strconv.FormatInt(number, 10)
	}
	return key + "-" + strconv.FormatInt(number, 10)
}

// dueSoonDays is how many days ahead a due date counts as soon.
const dueSoonDays = 2

// dueState says whether a card due on due (YYYY-MM-DD) is overdue or due soon on today (a
// local date). Dates are compared as calendar days, so a daylight saving change between them
// does not matter.
func dueState(due, category string, today time.Time) string {
	if due == "" || category == store.CategoryDone || category == store.CategoryCanceled {
		return ""
	}
	d, err := time.Parse(time.DateOnly, due)
	if err != nil {
		return ""
	}
	day := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, time.UTC)
	switch days := int(d.Sub(day).Hours() / 24); {
	case days < 0:
		return "overdue"
	case days <= dueSoonDays:
		return "due_soon"
	}
	return ""
}

// cardInfo loads the board's view and returns one card of it.
func (p *Project) cardInfo(c store.Card) (CardInfo, error) {
	b, err := p.boardMeta()
	if err != nil {
		return CardInfo{}, err
	}
	return p.boardView(b).cardInfo(c), nil
}

// boardMeta is the board without its cards: the key, columns and labels a CardInfo needs.
func (p *Project) boardMeta() (store.Board, error) {
	return p.store.BoardMeta(context.Background(), p.id, p.nowMs())
}

// cardChanged turns a changed card into its CardInfo and announces it.
func (p *Project) cardChanged(c store.Card, err error) (CardInfo, error) {
	if err != nil {
		return CardInfo{}, boardError(err)
	}
	ci, err := p.cardInfo(c)
	if err != nil {
		return CardInfo{}, err
	}
	p.changed("card", &ci)
	return ci, nil
}

// AddCard adds a card at the end of its column.
func (p *Project) AddCard(nc NewCard) (CardInfo, error) {
	title, err := checkLine("title", nc.Title, maxTitle, true)
	if err != nil {
		return CardInfo{}, err
	}
	assignee, err := checkLine("assignee", nc.Assignee, maxName, false)
	if err != nil {
		return CardInfo{}, err
	}
	if err := checkDescription(nc.Description); err != nil {
		return CardInfo{}, err
	}
	if err := checkDue(nc.Due); err != nil {
		return CardInfo{}, err
	}
	return p.cardChanged(p.store.AddCard(context.Background(), store.NewCard{ProjectID: p.id, Title: title,
		Description: nc.Description, Assignee: assignee, Due: nc.Due, ColumnID: nc.ColumnID, LabelIDs: nc.LabelIDs,
		NowMs: p.nowMs()}))
}

// UpdateCard changes the fields of a card that the patch sets.
func (p *Project) UpdateCard(id int64, patch CardPatch) (CardInfo, error) {
	var err error
	if patch.Title != nil {
		var t string
		if t, err = checkLine("title", *patch.Title, maxTitle, true); err != nil {
			return CardInfo{}, err
		}
		patch.Title = &t
	}
	if patch.Assignee != nil {
		var a string
		if a, err = checkLine("assignee", *patch.Assignee, maxName, false); err != nil {
			return CardInfo{}, err
		}
		patch.Assignee = &a
	}
	if patch.Description != nil {
		if err := checkDescription(*patch.Description); err != nil {
			return CardInfo{}, err
		}
	}
	if patch.Due != nil {
		if err := checkDue(*patch.Due); err != nil {
			return CardInfo{}, err
		}
	}
	return p.cardChanged(p.store.UpdateCard(context.Background(), p.id, id, store.CardPatch(patch), p.nowMs()))
}

// MoveCard moves a card by hand into a column, between beforeCardID (the card that will be
// just above it) and afterCardID (just below it). With only one of them (the other 0) the
// card goes right next to that one; with neither, at the end of the column. A move to another
// column goes through the journey's reducer (see moveByHand).
func (p *Project) MoveCard(id, columnID, beforeCardID, afterCardID int64) (CardInfo, error) {
	return p.cardChanged(p.moveByHand(id, columnID, beforeCardID, afterCardID))
}

// UndoMove undoes the newest move by hand that is not undone yet (see store.UndoMove), and
// the journey state it changed.
func (p *Project) UndoMove() (CardInfo, error) {
	return p.cardChanged(p.undoMove())
}

// CardDetail returns a card with its rendered description, checklist, links and transitions.
func (p *Project) CardDetail(id int64) (CardDetail, error) {
	ctx := context.Background()
	d, err := p.store.CardDetail(ctx, p.id, id)
	if err != nil {
		return CardDetail{}, boardError(err)
	}
	b, err := p.boardMeta()
	if err != nil {
		return CardDetail{}, err
	}
	out := CardDetail{Card: p.boardView(b).cardInfo(d.Card), Description: d.Description,
		DescriptionHTML: RenderMarkdown(d.Description), Checklist: make([]ChecklistItemInfo, 0, len(d.Checklist)),
		Links: make([]LinkInfo, 0, len(d.Links)), Transitions: make([]TransitionInfo, 0, len(d.Transitions)),
		Figures: cardFigures(d.CreatedMs, d.Transitions, p.now())}
	if out.Environments, err = p.environments(ctx, d.Links); err != nil {
		return CardDetail{}, err
	}
	for _, it := range d.Checklist {
		out.Checklist = append(out.Checklist, checklistItemInfo(it))
	}
	for _, l := range d.Links {
		out.Links = append(out.Links, linkInfo(l))
	}
	for _, t := range d.Transitions {
		out.Transitions = append(out.Transitions, TransitionInfo{ID: t.ID, FromColumnID: t.FromColumn,
			FromColumn: d.ColumnNames[t.FromColumn], ToColumnID: t.ToColumn, ToColumn: d.ColumnNames[t.ToColumn],
			FromStage: t.FromStage, ToStage: t.ToStage, CauseKind: t.CauseKind, CauseRef: t.CauseRef, At: rfc3339(t.AtMs),
			Undone: t.UndoneBy != 0})
	}
	return out, nil
}

func checklistItemInfo(it store.ChecklistItem) ChecklistItemInfo {
	return ChecklistItemInfo{ID: it.ID, CardID: it.CardID, Text: it.Text, Done: it.Done}
}

func linkInfo(l store.Link) LinkInfo {
	return LinkInfo{Kind: l.Kind, Ref: l.Ref, Closing: l.Closing, Title: l.Title, At: rfc3339(l.AtMs)}
}

// CardByKey finds a card by its key: "12", "#12" or "APP-12" (the board's key, any case).
func (p *Project) CardByKey(key string) (CardInfo, error) {
	b, err := p.boardMeta()
	if err != nil {
		return CardInfo{}, err
	}
	n, err := parseCardKey(b.Key, key)
	if err != nil {
		return CardInfo{}, err
	}
	if !b.Seeded {
		return CardInfo{}, errorf(CodeNotFound, "card %s does not exist: the board of %s has no cards yet", cardKey(b.Key, n), p.dir)
	}
	c, err := p.store.CardByNumber(context.Background(), p.id, n)
	if errors.Is(err, store.ErrNotFound) {
		return CardInfo{}, errorf(CodeNotFound, "card %s does not exist on the board of %s: see `eightfold card ls`", cardKey(b.Key, n), p.dir)
	}
	if err != nil {
		return CardInfo{}, err
	}
	return p.boardView(b).cardInfo(c), nil
}

// parseCardKey reads "12", "#12" or "KEY-12" into 12.
func parseCardKey(boardKey, s string) (int64, error) {
	s = strings.TrimSpace(s)
	num := strings.TrimPrefix(s, "#")
	if prefix, rest, ok := strings.Cut(s, "-"); ok {
		switch {
		case boardKey == "":
			return 0, errorf(CodeBadRequest, "card key %q: this board has no project key, so its cards are #1, #2…; set one, or use the number", s)
		case !strings.EqualFold(prefix, boardKey):
			return 0, errorf(CodeBadRequest, "card key %q: this board's cards are %s-1, %s-2…", s, boardKey, boardKey)
		}
		num = rest
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 {
		example := "#12"
		if boardKey != "" {
			example = boardKey + "-12"
		}
		return 0, errorf(CodeBadRequest, "%q is not a card key: write 12, #12 or %s", s, example)
	}
	return n, nil
}

// SetBoardKey sets the project key cards are shown with: 1 to 10 letters and digits starting
// with a letter ("APP"; stored in capitals), or "" for #12.
func (p *Project) SetBoardKey(key string) error {
	key = strings.ToUpper(strings.TrimSpace(key))
	if key != "" && !boardKeyPattern.MatchString(key) {
		return errorf(CodeBadRequest, "project key %q: use 1 to 10 letters and digits starting with a letter, such as APP", key)
	}
	if err := p.store.SetBoardKey(context.Background(), p.id, key, p.nowMs()); err != nil {
		return boardError(err)
	}
	p.changed("board", nil)
	return nil
}

var boardKeyPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]{0,9}$`)

// Limits on what a card holds.
const (
	maxTitle       = 500
	maxName        = 100
	maxDescription = 64 << 10
)

// checkLine trims a one-line field and checks it; what names it in the error.
func checkLine(what, s string, max int, required bool) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case required && s == "":
		return "", errorf(CodeBadRequest, "the %s is empty: write one", what)
	case strings.ContainsAny(s, "\r\n"):
		return "", errorf(CodeBadRequest, "the %s is one line: remove the line breaks", what)
	case utf8.RuneCountInString(s) > max:
		return "", errorf(CodeBadRequest, "the %s is %d characters long: at most %d fit", what, utf8.RuneCountInString(s), max)
	case !utf8.ValidString(s):
		return "", errorf(CodeBadRequest, "the %s is not valid UTF-8", what)
	}
	return s, nil
}

func checkDescription(s string) error {
	if len(s) > maxDescription {
		return errorf(CodeBadRequest, "the description is %d bytes: at most %d KiB fit", len(s), maxDescription>>10)
	}
	if !utf8.ValidString(s) {
		return errorf(CodeBadRequest, "the description is not valid UTF-8")
	}
	return nil
}

func checkDue(s string) error {
	if s == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return errorf(CodeBadRequest, "due date %q: write it as YYYY-MM-DD, such as 2026-12-24, or leave it empty", s)
	}
	return nil
}

func checkOneOf(what, v string, allowed []string, optional bool) error {
	if optional && v == "" {
		return nil
	}
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return errorf(CodeBadRequest, "%s %q: use one of %s", what, v, strings.Join(allowed, ", "))
}

// describeStages lists the stages for messages.
func describeStages() string { return fmt.Sprintf("%s, or empty for none", strings.Join(Stages, ", ")) }
