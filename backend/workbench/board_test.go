package workbench

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"eightfold/backend/store"
)

func mustCard(t *testing.T, p *Project, nc NewCard) CardInfo {
	t.Helper()
	c, err := p.AddCard(nc)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func column(t *testing.T, b BoardInfo, name string) ColumnInfo {
	t.Helper()
	for _, c := range b.Columns {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no column %q", name)
	return ColumnInfo{}
}

func boardT(t *testing.T) (*Project, *recorder, BoardInfo) {
	t.Helper()
	p, rec := newProject(t, "")
	b, err := p.Board()
	if err != nil {
		t.Fatal(err)
	}
	return p, rec, b
}

// boardEvents returns the payloads of the board.changed events so far.
func boardEvents(rec *recorder) []BoardChanged {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []BoardChanged
	for _, e := range rec.events {
		if e.topic == TopicBoardChanged {
			out = append(out, e.payload.(BoardChanged))
		}
	}
	return out
}

func TestBoardService(t *testing.T) {
	p, rec, b := boardT(t)
	if len(b.Columns) != 7 || b.Columns[0].Name != "Plan" || b.Key != "" || len(b.Labels) != 0 {
		t.Fatalf("a new board: %+v", b)
	}
	bug, err := p.AddLabel("bug", "")
	if err != nil || bug.Color != labelPalette[0] {
		t.Fatalf("label %+v, %v", bug, err)
	}
	a := mustCard(t, p, NewCard{Title: "  Login fails  ", LabelIDs: []int64{bug.ID}, Assignee: "ann"})
	if a.Key != "#1" || a.Title != "Login fails" || a.Column != "Plan" || a.Stage != "plan" || len(a.Labels) != 1 || a.Labels[0].Name != "bug" {
		t.Errorf("card %+v", a)
	}
	if got := boardEvents(rec); len(got) != 2 || got[0].What != "label" || got[1].What != "card" || got[1].Card.ID != a.ID {
		t.Errorf("events %+v", got)
	}
	code := column(t, b, "Code")
	c2 := mustCard(t, p, NewCard{Title: "second", ColumnID: code.ID})
	c3 := mustCard(t, p, NewCard{Title: "third", ColumnID: code.ID})
	// Move a to the top of Code (before c2), then undo it.
	moved, err := p.MoveCard(a.ID, code.ID, 0, c2.ID)
	if err != nil || moved.Column != "Code" || moved.Stage != "code" {
		t.Fatalf("move: %+v, %v", moved, err)
	}
	if ev := boardEvents(rec); ev[len(ev)-1].Card == nil || ev[len(ev)-1].Card.Column != "Code" {
		t.Errorf("the move's event carries the moved card: %+v", ev[len(ev)-1])
	}
	if _, err := p.SetWIPLimit(code.ID, 2); err != nil {
		t.Fatal(err)
	}
	b, _ = p.Board()
	col := column(t, b, "Code")
	if titles := cardTitles(col); !reflect.DeepEqual(titles, []string{"Login fails", "second", "third"}) || col.Count != 3 || !col.OverLimit {
		t.Errorf("Code: %v, count %d, over limit %v", titles, col.Count, col.OverLimit)
	}
	back, err := p.UndoMove()
	if err != nil || back.ID != a.ID || back.Column != "Plan" {
		t.Errorf("undo: %+v, %v", back, err)
	}
	if _, err := p.UndoMove(); !isCode(err, CodeConflict) || !strings.Contains(err.Error(), "nothing to undo") {
		t.Errorf("second undo: %v", err)
	}
	if _, err := p.MoveCard(a.ID, 999, 0, 0); !isCode(err, CodeNotFound) {
		t.Errorf("move to a missing column: %v", err)
	}
	if _, err := p.MoveCard(a.ID, code.ID, c3.ID, c2.ID); !isCode(err, CodeConflict) {
		t.Errorf("move between swapped neighbours: %v", err)
	}

	// The key changes every card's name; keys are read in every form.
	if err := p.SetBoardKey("app"); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"1", "#1", "APP-1", "app-1", " APP-1 "} {
		if c, err := p.CardByKey(k); err != nil || c.ID != a.ID || c.Key != "APP-1" {
			t.Errorf("CardByKey(%q) = %+v, %v", k, c, err)
		}
	}
	for k, want := range map[string]string{"XYZ-1": "this board's cards are APP-1", "APP-9": "card APP-9 does not exist", "one": "not a card key", "#0": "not a card key"} {
		if _, err := p.CardByKey(k); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("CardByKey(%q): %v, want %q", k, err, want)
		}
	}
	if err := p.SetBoardKey("1APP"); !isCode(err, CodeBadRequest) {
		t.Errorf("a key starting with a digit: %v", err)
	}

	title, due, empty := "Login fails on Safari", "2026-01-02", ""
	u, err := p.UpdateCard(a.ID, CardPatch{Title: &title, Due: &due})
	if err != nil || u.Title != title || u.Due != due || u.Assignee != "ann" {
		t.Errorf("update: %+v, %v", u, err)
	}
	if u, _ = p.UpdateCard(a.ID, CardPatch{Due: &empty}); u.Due != "" || u.Title != title {
		t.Errorf("clearing the due date: %+v", u)
	}
	if u, err = p.SetCardLabels(a.ID, nil); err != nil || len(u.Labels) != 0 {
		t.Errorf("clearing labels: %+v, %v", u, err)
	}
}

func cardTitles(c ColumnInfo) []string {
	var out []string
	for _, card := range c.Cards {
		out = append(out, card.Title)
	}
	return out
}

func TestBoardInputIsChecked(t *testing.T) {
	p, _, b := boardT(t)
	card := mustCard(t, p, NewCard{Title: "x"})
	long := strings.Repeat("x", maxTitle+1)
	badDue, twoLines := "24.12.2026", "a\nb"
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"empty title", second(p.AddCard(NewCard{Title: "  "})), "the title is empty"},
		{"two-line title", second(p.AddCard(NewCard{Title: twoLines})), "one line"},
		{"long title", second(p.AddCard(NewCard{Title: long})), "at most 500"},
		{"bad due date", second(p.AddCard(NewCard{Title: "t", Due: badDue})), `due date "24.12.2026": write it as YYYY-MM-DD`},
		{"patch to a bad due date", second(p.UpdateCard(card.ID, CardPatch{Due: &badDue})), "YYYY-MM-DD"},
		{"bad category", second(p.AddColumn(NewColumn{Name: "Review", Category: "doing"})), `category "doing": use one of backlog, started, done, canceled`},
		{"bad stage", second(p.AddColumn(NewColumn{Name: "Review", Category: "started", Stage: "review"})), `stage "review": use one of plan, code`},
		{"negative WIP limit", second(p.SetWIPLimit(b.Columns[0].ID, -1)), "WIP limit -1"},
		{"bad colour", second(p.AddLabel("ui", "blue")), "#rrggbb"},
		{"empty checklist item", second(p.AddChecklistItem(card.ID, " ")), "checklist item is empty"},
		{"commit flag", second(p.LinkCommit(card.ID, "--all")), "give the SHA"},
	}
	for _, c := range cases {
		if !isCode(c.err, CodeBadRequest) || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: %v, want a bad_request error with %q", c.name, c.err, c.want)
		}
	}
	if _, err := p.UpdateCard(999, CardPatch{}); !isCode(err, CodeNotFound) {
		t.Errorf("updating a missing card: %v", err)
	}
}

func second[T any](_ T, err error) error { return err }

func TestColumnsService(t *testing.T) {
	p, rec, b := boardT(t)
	code := column(t, b, "Code")
	review, err := p.AddColumn(NewColumn{Name: "Review", Category: "started", AfterColumnID: code.ID, WIPLimit: 3})
	if err != nil || review.Name != "Review" || review.WIPLimit != 3 || len(review.Cards) != 0 {
		t.Fatalf("add: %+v, %v", review, err)
	}
	if _, err := p.RenameColumn(review.ID, "code"); !isCode(err, CodeConflict) {
		t.Errorf("rename to a taken name: %v", err)
	}
	c := mustCard(t, p, NewCard{Title: "in review", ColumnID: review.ID})
	if err := p.RemoveColumn(review.ID, 0); !isCode(err, CodeConflict) || !strings.Contains(err.Error(), `column "Review" holds 1 card`) {
		t.Errorf("remove with cards: %v", err)
	}
	if err := p.RemoveColumn(review.ID, code.ID); err != nil {
		t.Fatal(err)
	}
	d, err := p.CardDetail(c.ID)
	if err != nil || d.Card.Column != "Code" {
		t.Fatalf("detail: %+v, %v", d, err)
	}
	last := d.Transitions[len(d.Transitions)-1]
	if last.FromColumn != "Review" || last.ToColumn != "Code" || last.CauseKind != "column" || last.ToStage != "code" {
		t.Errorf("transition %+v", last)
	}
	moved, err := p.MoveColumn(code.ID, 0, 0) // to the end
	if err != nil || moved.Name != "Code" || len(moved.Cards) != 1 {
		t.Fatalf("move column: %+v, %v", moved, err)
	}
	b, _ = p.Board()
	if b.Columns[len(b.Columns)-1].Name != "Code" {
		t.Errorf("Code is not last: %v", b.Columns)
	}
	// Added a column, added a card, removed a column, moved a column; refusals say nothing.
	if n := rec.count(TopicBoardChanged); n != 4 {
		t.Errorf("%d board.changed events for 4 changes", n)
	}
}

func TestChecklistService(t *testing.T) {
	p, rec, _ := boardT(t)
	c := mustCard(t, p, NewCard{Title: "x"})
	a, _ := p.AddChecklistItem(c.ID, "write the test")
	bi, _ := p.AddChecklistItem(c.ID, "make it pass")
	if it, err := p.ToggleChecklistItem(a.ID); err != nil || !it.Done {
		t.Errorf("toggle: %+v, %v", it, err)
	}
	if _, err := p.MoveChecklistItem(bi.ID, 0, a.ID); err != nil {
		t.Fatal(err)
	}
	b, _ := p.Board()
	card := b.Columns[0].Cards[0]
	if card.ChecklistDone != 1 || card.ChecklistTotal != 2 {
		t.Errorf("progress %d/%d", card.ChecklistDone, card.ChecklistTotal)
	}
	ev := boardEvents(rec)
	if last := ev[len(ev)-1]; last.Card == nil || last.Card.ChecklistTotal != 2 {
		t.Errorf("a checklist change announces the card with its progress: %+v", last)
	}
	if err := p.RemoveChecklistItem(a.ID); err != nil {
		t.Fatal(err)
	}
	if err := p.RemoveChecklistItem(a.ID); !isCode(err, CodeNotFound) {
		t.Errorf("removing twice: %v", err)
	}
	d, _ := p.CardDetail(c.ID)
	if len(d.Checklist) != 1 || d.Checklist[0].Text != "make it pass" || d.Card.ChecklistTotal != 1 {
		t.Errorf("checklist %+v", d.Checklist)
	}
}

func TestDueStates(t *testing.T) {
	p, _, b := boardT(t)
	p.now = func() time.Time { return time.Date(2026, 3, 10, 23, 30, 0, 0, time.Local) }
	cases := map[string]string{"2026-03-09": "overdue", "2026-03-10": "due_soon", "2026-03-12": "due_soon", "2026-03-13": "", "": ""}
	ids := map[int64]string{}
	for due := range cases {
		c := mustCard(t, p, NewCard{Title: "due " + due, Due: due})
		ids[c.ID] = due
		if c.DueState != cases[due] {
			t.Errorf("due %q: %q, want %q", due, c.DueState, cases[due])
		}
	}
	done := column(t, b, "Production")
	for id, due := range ids {
		if due == "2026-03-09" {
			if c, _ := p.MoveCard(id, done.ID, 0, 0); c.DueState != "" {
				t.Errorf("a card in a done column is not overdue: %+v", c)
			}
		}
	}
	if b, _ := p.Board(); b.Today != "2026-03-10" {
		t.Errorf("today %q", b.Today)
	}
}

func TestMarkdownIsSanitised(t *testing.T) {
	cases := []struct {
		name, src string
		want      []string // in the HTML
		not       []string // never in the HTML
	}{
		{"markdown", "# Title\n\n**bold** and `code`\n\n- [x] done\n- [ ] todo\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
			[]string{"<h1", "<strong>bold</strong>", "<code>code</code>", `<input checked="" disabled="" type="checkbox"`, "<table>"}, nil},
		{"script tag", "hello <script>alert(1)</script>", []string{"hello"}, []string{"<script", "alert(1)</script"}},
		{"script block", "<script>\nalert(1)\n</script>\n", nil, []string{"<script"}},
		{"onerror attribute", `<img src=x onerror="alert(1)">`, nil, []string{"onerror", "<img"}},
		{"onerror on a markdown image", `![x](https://example.com/x.png)`, []string{`<img src="https://example.com/x.png" alt="x"`}, []string{"onerror"}},
		{"image with onerror in markdown", `![x](y.png" onerror="alert(1))`, nil, []string{`onerror="`, "<img"}},
		{"javascript link", "[click](javascript:alert(1))", []string{"click"}, []string{"javascript:"}},
		{"javascript autolink", "<javascript:alert(1)>", nil, []string{`href="javascript`}},
		{"data URL", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", nil, []string{"data:text/html"}},
		{"raw HTML block", "<div onclick=\"steal()\">\n<iframe src=\"https://evil.example\"></iframe>\n</div>\n", nil, []string{"<div", "onclick", "<iframe"}},
		{"style", "<style>body{display:none}</style>", nil, []string{"<style", "display:none}"}},
		{"safe link", "[docs](https://example.com/a)", []string{`href="https://example.com/a"`, `rel="nofollow noopener"`, `target="_blank"`}, nil},
		{"empty", "", nil, []string{"<"}},
	}
	for _, c := range cases {
		got := RenderMarkdown(c.src)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", c.name, got, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(got, n) {
				t.Errorf("%s: %q contains %q", c.name, got, n)
			}
		}
	}
	p, _, _ := boardT(t)
	c := mustCard(t, p, NewCard{Title: "x", Description: "**hi** <script>alert(1)</script>"})
	d, err := p.CardDetail(c.ID)
	if err != nil || d.Description != "**hi** <script>alert(1)</script>" || d.DescriptionHTML != "<p><strong>hi</strong> alert(1)</p>\n" {
		t.Errorf("detail: %q / %q, %v", d.Description, d.DescriptionHTML, err)
	}
}

func TestLinkCommitOnARealRepository(t *testing.T) {
	p, rec, _ := boardT(t)
	os.WriteFile(filepath.Join(p.Dir(), "eightfold.yaml"), []byte("steps: []\n"), 0o644)
	gitInit(t, p.Dir())
	os.WriteFile(filepath.Join(p.Dir(), "login.go"), []byte("package login\n"), 0o644)
	gitRun(t, p.Dir(), "add", "login.go")
	gitRun(t, p.Dir(), "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-q", "-m", "Fix the login form\n\nFixes #1")
	sha := gitRun(t, p.Dir(), "rev-parse", "HEAD")
	c := mustCard(t, p, NewCard{Title: "login"})
	before := rec.count(TopicBoardChanged)
	l, err := p.LinkCommit(c.ID, sha[:8])
	if err != nil || l.Kind != "commit" || l.Ref != sha || l.Title != "Fix the login form" || !l.Closing || l.At == "" {
		t.Fatalf("link: %+v, %v", l, err)
	}
	if rec.count(TopicBoardChanged) != before+1 {
		t.Error("linking announces the card")
	}
	if _, err := p.LinkCommit(c.ID, sha); err != nil {
		t.Fatal(err)
	}
	d, _ := p.CardDetail(c.ID)
	if len(d.Links) != 1 || d.Links[0].Ref != sha {
		t.Errorf("linking twice keeps one link: %+v", d.Links)
	}
	if _, err := p.LinkCommit(c.ID, "0123456789abcdef0123456789abcdef01234567"); !isCode(err, CodeNotFound) || !strings.Contains(err.Error(), "is not in the repository") {
		t.Errorf("an unknown commit: %v", err)
	}
	if _, err := p.LinkCommit(999, sha); !isCode(err, CodeNotFound) {
		t.Errorf("a missing card: %v", err)
	}
	q, _, _ := boardT(t) // not a repository
	c2 := mustCard(t, q, NewCard{Title: "x"})
	if _, err := q.LinkCommit(c2.ID, sha); !isCode(err, CodeConflict) || !strings.Contains(err.Error(), "repository") {
		t.Errorf("outside a repository: %v", err)
	}
}

// A project opened for reading (the CLI's read-only commands) shows the default board of a
// project that never used one, and its cards once it has.
func TestReadOnlyBoard(t *testing.T) {
	home, dir := t.TempDir(), t.TempDir()
	w, err := OpenInDataDir(home, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	read := func() BoardInfo {
		t.Helper()
		s, err := store.OpenReadOnly(home)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		p, _ := OpenExisting(s, dir)
		b, err := p.Board()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	if b := read(); len(b.Columns) != 7 || b.Columns[0].ID != 0 {
		t.Errorf("unused board: %+v", b)
	}
	w, _ = OpenInDataDir(home, dir, nil)
	mustCard(t, w, NewCard{Title: "x"})
	w.Close()
	if b := read(); b.Columns[0].ID == 0 || len(b.Columns[0].Cards) != 1 {
		t.Errorf("used board: %+v", b)
	}
}

func TestDueStateTable(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin") // clocks go forward on 2026-03-29
	if err != nil {
		t.Fatal(err)
	}
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, berlin) }
	cases := []struct {
		due, category string
		today         time.Time
		want          string
	}{
		{"2026-03-29", "started", at(2026, 3, 30, 0), "overdue"}, // 23 hours after the due day began
		{"2026-03-30", "started", at(2026, 3, 28, 12), "due_soon"},
		{"2026-03-31", "started", at(2026, 3, 28, 12), ""},
		{"2026-10-25", "started", at(2026, 10, 26, 1), "overdue"}, // clocks go back on 2026-10-25
		{"2026-03-29", "done", at(2026, 4, 30, 0), ""},
		{"2026-03-29", "canceled", at(2026, 4, 30, 0), ""},
		{"2026-02-30", "started", at(2026, 4, 30, 0), ""}, // not a date: no state
	}
	for _, c := range cases {
		today := time.Date(c.today.Year(), c.today.Month(), c.today.Day(), 0, 0, 0, 0, berlin)
		if got := dueState(c.due, c.category, today); got != c.want {
			t.Errorf("due %s (%s) on %s: %q, want %q", c.due, c.category, today.Format(time.DateOnly), got, c.want)
		}
	}
}
