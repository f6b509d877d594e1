package cli

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"eightfold/backend/store"
	"eightfold/backend/workbench"
)

// The JSON keys of a card and a board column, as documented in docs/api.md.
var (
	cardKeys   = []string{"assignee", "checklist_done", "checklist_total", "column", "column_id", "created_at", "due", "due_state", "entered_at", "failure", "id", "key", "labels", "number", "rank", "stage", "title", "updated_at"}
	columnKeys = []string{"cards", "category", "count", "id", "name", "over_limit", "stage", "wip_limit"}
	detailKeys = []string{"card", "checklist", "description", "description_html", "environments", "figures", "links", "transitions"}
)

func TestCardCommands(t *testing.T) {
	dir := repo(t, map[string]string{"README.md": "demo\n"})
	home := t.TempDir()
	run := runIn(t, home, dir)

	// Before anything is recorded, ls shows the empty default board.
	if out := run(0, "card", "ls"); !strings.Contains(out, "Plan (0)\nCode (0)\n") || !strings.Contains(out, "No cards yet") {
		t.Errorf("empty board:\n%s", out)
	}
	if out := run(0, "card", "add", "Fix the login form", "--label", "bug", "--label", "UI", "--desc", "Safari **only**"); out != "Added #1 to Plan: Fix the login form\n" {
		t.Errorf("add: %q", out)
	}
	run(0, "card", "add", "Write the docs", "--column", "code", "--assignee", "ann", "--due", "2000-01-01", "--label", "bug")
	if out := run(0, "card", "add", "Speed up", "--json"); !strings.Contains(out, `"key": "#3"`) {
		t.Errorf("add --json: %s", out)
	}

	out := run(0, "card", "ls")
	for _, want := range []string{"Plan (2)\n  #1  Fix the login form  [bug] [UI]\n  #3  Speed up\n", "Code (1)\n  #2  Write the docs  [bug]  @ann  overdue 2000-01-01\n", "Canceled (0)",
		"\nThroughput: 0 0 0 0 0 0 0 0 cards a week over the last 8 weeks (0 delivered)\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("ls lacks %q:\n%s", want, out)
		}
	}
	var board map[string]any
	if err := json.Unmarshal([]byte(run(0, "card", "ls", "--json")), &board); err != nil {
		t.Fatal(err)
	}
	cols := board["columns"].([]any)
	first := cols[0].(map[string]any)
	if got := jsonKeys(first); !reflect.DeepEqual(got, columnKeys) {
		t.Errorf("column keys %v", got)
	}
	if got := jsonKeys(first["cards"].([]any)[0].(map[string]any)); !reflect.DeepEqual(got, cardKeys) {
		t.Errorf("card keys %v", got)
	}
	if out := run(0, "card", "ls", "--column", "CODE"); strings.Contains(out, "Plan") || !strings.Contains(out, "#2  Write the docs") {
		t.Errorf("ls --column CODE:\n%s", out)
	}

	// Keys, moves and undo.
	if out := run(0, "card", "key", "app"); out != "Cards are named APP-1, APP-2… now.\n" {
		t.Errorf("key: %q", out)
	}
	if out := run(0, "card", "move", "app-1", "verified"); out != "Moved APP-1 to Verified (from Plan).\n" {
		t.Errorf("move: %q", out)
	}
	run(0, "card", "move", "#3", "Code")
	if out := run(0, "card", "undo"); out != "Moved APP-3 back to Plan.\n" {
		t.Errorf("undo: %q", out)
	}
	out = run(0, "card", "show", "APP-1")
	for _, want := range []string{"APP-1  Fix the login form\nin Verified since ", "stage verified", "Labels: bug, UI\n",
		"\n  Safari **only**\n", "created in Plan (plan)   ", "Plan → Verified (plan → verified)  by hand, by ",
		"Figures: age ", ", not delivered yet\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("show lacks %q:\n%s", want, out)
		}
	}
	var detail map[string]any
	if err := json.Unmarshal([]byte(run(0, "card", "show", "1", "--json")), &detail); err != nil {
		t.Fatal(err)
	}
	if got := jsonKeys(detail); !reflect.DeepEqual(got, detailKeys) || detail["description_html"] != "<p>Safari <strong>only</strong></p>\n" {
		t.Errorf("show --json: %v", detail)
	}
	if n := len(detail["transitions"].([]any)); n != 2 {
		t.Errorf("%d transitions, want 2", n)
	}
}

func TestCardErrors(t *testing.T) {
	dir := repo(t, map[string]string{"README.md": "demo\n"})
	home := t.TempDir()
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"card"}, 2, "card needs a subcommand"},
		{[]string{"card", "rm"}, 2, `unknown card command "rm"`},
		{[]string{"card", "add"}, 2, "card add needs one title"},
		{[]string{"card", "add", "a", "b"}, 2, "card add needs one title"},
		{[]string{"card", "add", " "}, 1, "the title is empty"},
		{[]string{"card", "add", "x", "--due", "tomorrow"}, 1, `due date "tomorrow": write it as YYYY-MM-DD`},
		{[]string{"card", "add", "x", "--column", "Doing"}, 1, `no column "Doing" on this board; its columns are "Plan", "Code", "Verified"`},
		{[]string{"card", "show", "1"}, 1, "card #1 does not exist on the board"},
		{[]string{"card", "show"}, 2, "card show needs one card key"},
		{[]string{"card", "move", "1"}, 2, "card move needs a card key and a column"},
		{[]string{"card", "move", "one", "Code"}, 1, `"one" is not a card key: write 12, #12 or`},
		{[]string{"card", "move", "APP-1", "Code"}, 1, "this board has no project key"},
		{[]string{"card", "undo"}, 1, "nothing to undo"},
		{[]string{"card", "key", "9X"}, 1, "use 1 to 10 letters and digits"},
		{[]string{"card", "ls", "extra"}, 2, "card ls takes no arguments"},
	}
	for _, c := range cases {
		code, _, errOut := eightfold(t, home, append(c.args, "--dir", dir)...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, %q; want exit %d with %q", c.args, code, errOut, c.code, c.want)
		}
	}
	// A card of one project is not found from another.
	if code, _, _ := eightfold(t, home, "card", "add", "x", "--dir", dir); code != 0 {
		t.Fatal("add failed")
	}
	other := repo(t, map[string]string{"README.md": "other\n"})
	if code, _, errOut := eightfold(t, home, "card", "move", "1", "Code", "--dir", other); code != 1 || !strings.Contains(errOut, "card #1 does not exist") {
		t.Errorf("another project's card: exit %d, %s", code, errOut)
	}
}

// ls and show read without the data dir's lock, so they work while `eightfold serve` runs;
// moves say when a column goes over its WIP limit.
func TestCardReadersAndWIP(t *testing.T) {
	dir := repo(t, map[string]string{"README.md": "demo\n"})
	home := t.TempDir()
	for _, title := range []string{"a", "b"} {
		if code, _, errOut := eightfold(t, home, "card", "add", title, "--column", "Code", "--dir", dir); code != 0 {
			t.Fatal(errOut)
		}
	}
	p, err := workbench.OpenInDataDir(home, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := p.Board()
	for _, c := range b.Columns {
		if c.Name == "Code" {
			if _, err := p.SetWIPLimit(c.ID, 2); err != nil {
				t.Fatal(err)
			}
		}
	}
	p.Close()
	code, out, _ := eightfold(t, home, "card", "add", "c", "--dir", dir)
	if code != 0 {
		t.Fatal(out)
	}
	code, out, _ = eightfold(t, home, "card", "move", "3", "code", "--dir", dir)
	if code != 0 || out != "Moved #3 to Code (from Plan).\nCode now holds 3 cards, over its WIP limit of 2.\n" {
		t.Errorf("move over the limit: exit %d, %q", code, out)
	}

	holder, err := store.Open(home)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if code, out, _ := eightfold(t, home, "card", "ls", "--dir", dir); code != 0 || !strings.Contains(out, "Code (3/2, over the WIP limit)\n") {
		t.Errorf("ls while locked: exit %d\n%s", code, out)
	}
	if code, out, _ := eightfold(t, home, "card", "show", "2", "--dir", dir); code != 0 || !strings.Contains(out, "#2  b\n") {
		t.Errorf("show while locked: exit %d\n%s", code, out)
	}
	if code, _, errOut := eightfold(t, home, "card", "add", "d", "--dir", dir); code != 1 || !strings.Contains(errOut, "PID") {
		t.Errorf("add while locked: exit %d, %s", code, errOut)
	}
}
