package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"eightfold/backend/workbench"
)

// cardCommands are the subcommands of `eightfold card`.
func cardCommands() []command {
	return []command{
		{"add", "add a card: card add \"title\" [--label L]... [--column C] [--desc TEXT]", cmdCardAdd},
		{"ls", "list the board, column by column", cmdCardLs},
		{"show", "show a card with its checklist, links and transitions: card show KEY", cmdCardShow},
		{"move", "move a card to a column: card move KEY COLUMN", cmdCardMove},
		{"undo", "undo the last move by hand", cmdCardUndo},
		{"key", "set the project key cards are named with: card key APP (\"\" for #12)", cmdCardKey},
	}
}

func cmdCard(e *env) error {
	if len(e.args) == 0 || e.args[0] == "-h" || e.args[0] == "--help" || e.args[0] == "help" {
		printCardHelp(e.stderr)
		if len(e.args) == 0 {
			return &usageError{"card needs a subcommand: add, ls, show, move, undo or key"}
		}
		return nil
	}
	if strings.HasPrefix(e.args[0], "-") {
		return &usageError{fmt.Sprintf("card needs a subcommand before its flags (%s), such as: eightfold card ls %s", e.args[0], strings.Join(e.args, " "))}
	}
	for _, c := range cardCommands() {
		if c.name == e.args[0] {
			return c.run(&env{args: e.args[1:], stdout: e.stdout, stderr: e.stderr, faces: e.faces})
		}
	}
	return &usageError{fmt.Sprintf("unknown card command %q: use add, ls, show, move, undo or key (`eightfold card -h`)", e.args[0])}
}

func printCardHelp(w io.Writer) {
	fmt.Fprintln(w, "usage: eightfold card COMMAND [flags]\n\nThe plan board's cards. Keys are 12, #12 or APP-12.\n\ncommands:")
	for _, c := range cardCommands() {
		fmt.Fprintf(w, "  %-5s %s\n", c.name, c.summary)
	}
}

// labelFlags collects a repeated --label.
type labelFlags []string

func (l *labelFlags) String() string     { return strings.Join(*l, ",") }
func (l *labelFlags) Set(v string) error { *l = append(*l, v); return nil }

func cmdCardAdd(e *env) error {
	fs, c := e.flags("card add", `card add "title" [--label L]... [--column C] [--desc TEXT] [--assignee A] [--due YYYY-MM-DD] [--json] [--dir D] [--home DIR]`, true)
	var labels labelFlags
	fs.Var(&labels, "label", "a label (repeat for more); a label the board lacks is added")
	column := fs.String("column", "", "the column (default: the first backlog column, Plan)")
	desc := fs.String("desc", "", "the description (markdown)")
	assignee := fs.String("assignee", "", "who works on it")
	due := fs.String("due", "", "the due date, YYYY-MM-DD")
	asJSON := fs.Bool("json", false, "print the new card as JSON (the CardInfo of docs/api.md)")
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{`card add needs one title, quoted: eightfold card add "Fix the login form"`}
	}
	return onProject(c, func(p *workbench.Project) error {
		b, err := p.Board()
		if err != nil {
			return err
		}
		nc := workbench.NewCard{Title: pos[0], Description: *desc, Assignee: *assignee, Due: *due}
		if *column != "" {
			col, err := findColumn(b, *column)
			if err != nil {
				return err
			}
			nc.ColumnID = col.ID
		}
		if nc.LabelIDs, err = labelIDs(p, b, labels); err != nil {
			return err
		}
		card, err := p.AddCard(nc)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, card)
		}
		fmt.Fprintf(e.stdout, "Added %s to %s: %s\n", card.Key, card.Column, card.Title)
		return nil
	})
}

// onProject opens the project for writing, runs fn on it and closes it.
func onProject(c *common, fn func(p *workbench.Project) error) error {
	p, err := c.openWriter(nil)
	if err != nil {
		return err
	}
	defer p.Close()
	return fn(p)
}

// noArgs refuses positional arguments of a command that takes none.
func noArgs(command string, pos []string, hint string) error {
	if len(pos) > 0 {
		return &usageError{fmt.Sprintf("%s takes no arguments, got %q%s", command, pos[0], hint)}
	}
	return nil
}

// labelIDs finds the labels by name (any case), adding those the board lacks.
func labelIDs(p *workbench.Project, b workbench.BoardInfo, names []string) ([]int64, error) {
	var ids []int64
next:
	for _, name := range names {
		for _, l := range b.Labels {
			if strings.EqualFold(l.Name, strings.TrimSpace(name)) {
				ids = append(ids, l.ID)
				continue next
			}
		}
		l, err := p.AddLabel(name, "")
		if err != nil {
			return nil, err
		}
		b.Labels = append(b.Labels, l)
		ids = append(ids, l.ID)
	}
	return ids, nil
}

// findColumn finds a column by name, whatever its case.
func findColumn(b workbench.BoardInfo, name string) (workbench.ColumnInfo, error) {
	names := make([]string, 0, len(b.Columns))
	for _, c := range b.Columns {
		if strings.EqualFold(c.Name, strings.TrimSpace(name)) {
			return c, nil
		}
		names = append(names, strconv.Quote(c.Name))
	}
	return workbench.ColumnInfo{}, fmt.Errorf("no column %q on this board; its columns are %s", name, strings.Join(names, ", "))
}

// openBoardReader opens the project read-only (so that it works while `eightfold serve`
// holds the data dir) and loads its board; with nothing recorded yet the board is the
// default one and p is nil.
func openBoardReader(c *common) (p *workbench.Project, b workbench.BoardInfo, closeFn func(), err error) {
	s, p, err := c.openReader()
	if err != nil {
		return nil, b, nil, err
	}
	if s == nil {
		return nil, workbench.DefaultBoard(time.Now()), func() {}, nil
	}
	b, err = p.Board()
	if err != nil {
		s.Close()
		return nil, b, nil, err
	}
	return p, b, func() { s.Close() }, nil
}

func cmdCardLs(e *env) error {
	fs, c := e.flags("card ls", "card ls [--column C] [--json] [--dir D] [--home DIR]", true)
	column := fs.String("column", "", "list only this column")
	asJSON := fs.Bool("json", false, "print the board as JSON (the BoardInfo of docs/api.md)")
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if err := noArgs("card ls", pos, "; use --column to list one column"); err != nil {
		return err
	}
	_, b, closeFn, err := openBoardReader(c)
	if err != nil {
		return err
	}
	defer closeFn()
	if *column != "" {
		col, err := findColumn(b, *column)
		if err != nil {
			return err
		}
		b.Columns = []workbench.ColumnInfo{col}
	}
	if *asJSON {
		return writeJSON(e.stdout, b)
	}
	printBoard(e.stdout, b, isTerminal(e.stdout))
	return nil
}

func printBoard(w io.Writer, b workbench.BoardInfo, color bool) {
	total := 0
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, col := range b.Columns {
		total += col.Count
		fmt.Fprintf(tw, "%s (%s)\n", paint(color, "1", col.Name), wipPill(col, color))
		for _, c := range col.Cards {
			line := "  " + c.Key + "\t" + c.Title
			if marks := cardMarks(c, color); len(marks) > 0 {
				line += "\t" + strings.Join(marks, "  ")
			}
			fmt.Fprintln(tw, line)
		}
	}
	tw.Flush()
	if total == 0 {
		fmt.Fprintln(w, "\nNo cards yet. Add one with `eightfold card add \"title\"`.")
		return
	}
	fmt.Fprintln(w, "\n"+throughputLine(b.Figures))
}

// throughputLine sums up the board's figures: cards delivered per week, oldest week first,
// and their median cycle time.
func throughputLine(f workbench.BoardFigures) string {
	weeks := make([]string, 0, len(f.Weeks))
	for _, wk := range f.Weeks {
		weeks = append(weeks, strconv.Itoa(wk.Cards))
	}
	line := fmt.Sprintf("Throughput: %s cards a week over the last %s (%d delivered)", strings.Join(weeks, " "), count(len(f.Weeks), "week"), f.Delivered)
	if f.MedianCycleTimeMs != nil {
		line += ", median cycle time " + fmtSpan(*f.MedianCycleTimeMs)
	}
	return line
}

// fmtSpan shows a span of time to the minute, in its two largest units: "3d 4h", "5h 12m",
// "42m", "<1m".
func fmtSpan(ms int64) string {
	m := ms / 60_000
	switch {
	case m < 1:
		return "<1m"
	case m < 60:
		return fmt.Sprintf("%dm", m)
	case m < 24*60:
		return fmt.Sprintf("%dh %dm", m/60, m%60)
	}
	return fmt.Sprintf("%dd %dh", m/(24*60), m/60%24)
}

// figuresLine sums up a card's figures.
func figuresLine(f workbench.CardFigures) string {
	parts := []string{"age " + fmtSpan(f.AgeMs), "in its column " + fmtSpan(f.TimeInColumnMs)}
	switch {
	case f.LeadTimeMs != nil && f.CycleTimeMs != nil:
		parts = append(parts, "lead time "+fmtSpan(*f.LeadTimeMs), "cycle time "+fmtSpan(*f.CycleTimeMs))
	case f.Started:
		parts = append(parts, "started "+localTime(f.StartedAt)+", not delivered yet")
	default:
		parts = append(parts, "not started")
	}
	return "Figures: " + strings.Join(parts, " · ")
}

// wipPill is a column's card count, as n/limit when it has a WIP limit (red when over it).
func wipPill(col workbench.ColumnInfo, color bool) string {
	if col.WIPLimit == 0 {
		return strconv.Itoa(col.Count)
	}
	pill := fmt.Sprintf("%d/%d", col.Count, col.WIPLimit)
	if col.OverLimit {
		return paint(color, "31", pill+", over the WIP limit")
	}
	return pill
}

// cardMarks are what a card's line shows after its title: labels, assignee, checklist
// progress, due date and failure.
func cardMarks(c workbench.CardInfo, color bool) []string {
	var marks []string
	if len(c.Labels) > 0 {
		names := make([]string, 0, len(c.Labels))
		for _, l := range c.Labels {
			names = append(names, "["+l.Name+"]")
		}
		marks = append(marks, strings.Join(names, " "))
	}
	if c.Assignee != "" {
		marks = append(marks, "@"+c.Assignee)
	}
	if c.ChecklistTotal > 0 {
		box := "☐"
		if c.ChecklistDone == c.ChecklistTotal {
			box = "☑"
		}
		marks = append(marks, fmt.Sprintf("%s %d/%d", box, c.ChecklistDone, c.ChecklistTotal))
	}
	if c.Due != "" {
		marks = append(marks, dueMark(c, color))
	}
	if c.Failure != "" {
		marks = append(marks, paint(color, "31", "✗ "+c.Failure))
	}
	return marks
}

func dueMark(c workbench.CardInfo, color bool) string {
	switch c.DueState {
	case "overdue":
		return paint(color, "31", "overdue "+c.Due)
	case "due_soon":
		return paint(color, "33", "due soon "+c.Due)
	}
	return "due " + c.Due
}

func cmdCardShow(e *env) error {
	fs, c := e.flags("card show", "card show KEY [--json] [--dir D] [--home DIR]", true)
	asJSON := fs.Bool("json", false, "print the card as JSON (the CardDetail of docs/api.md)")
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{"card show needs one card key, such as 12, #12 or APP-12 (see `eightfold card ls`)"}
	}
	p, _, closeFn, err := openBoardReader(c)
	if err != nil {
		return err
	}
	defer closeFn()
	if p == nil {
		return fmt.Errorf("card %s does not exist: nothing has been recorded yet; add a card with `eightfold card add \"title\"`", pos[0])
	}
	card, err := p.CardByKey(pos[0])
	if err != nil {
		return err
	}
	d, err := p.CardDetail(card.ID)
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, d)
	}
	printCard(e.stdout, d, isTerminal(e.stdout))
	return nil
}

func printCard(w io.Writer, d workbench.CardDetail, color bool) {
	c := d.Card
	fmt.Fprintf(w, "%s  %s\n", paint(color, "1", c.Key), paint(color, "1", c.Title))
	facts := []string{"in " + c.Column + " since " + localTime(c.EnteredAt)}
	if c.Stage != "" {
		facts = append(facts, "stage "+c.Stage)
	}
	if c.Assignee != "" {
		facts = append(facts, "@"+c.Assignee)
	}
	if c.Due != "" {
		facts = append(facts, dueMark(c, color))
	}
	facts = append(facts, "created "+localTime(c.CreatedAt))
	fmt.Fprintln(w, strings.Join(facts, " · "))
	if len(c.Labels) > 0 {
		names := make([]string, 0, len(c.Labels))
		for _, l := range c.Labels {
			names = append(names, l.Name)
		}
		fmt.Fprintf(w, "Labels: %s\n", strings.Join(names, ", "))
	}
	if c.Failure != "" {
		fmt.Fprintln(w, paint(color, "31", "Failure: "+c.Failure))
	}
	fmt.Fprintln(w, figuresLine(d.Figures))
	if d.Description != "" {
		fmt.Fprintln(w)
		for _, line := range strings.Split(strings.TrimRight(d.Description, "\n"), "\n") {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	if len(d.Checklist) > 0 {
		fmt.Fprintf(w, "\nChecklist %d/%d:\n", c.ChecklistDone, c.ChecklistTotal)
		for _, it := range d.Checklist {
			box := "[ ]"
			if it.Done {
				box = "[x]"
			}
			fmt.Fprintf(w, "  %s %s\n", box, it.Text)
		}
	}
	if len(d.Links) > 0 {
		fmt.Fprintln(w, "\nLinks:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, l := range d.Links {
			ref := l.Ref
			if l.Kind == "commit" {
				ref = ref[:min(len(ref), 12)]
			}
			closing := ""
			if l.Closing {
				closing = "closes"
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", l.Kind, ref, l.Title, closing, localTime(l.At))
		}
		tw.Flush()
	}
	fmt.Fprintln(w, "\nTransitions:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, t := range d.Transitions {
		line := "  " + localTime(t.At) + "\t" + transitionMove(t) + "\t" + transitionCause(t)
		if t.Undone {
			line += "\t(undone)"
		}
		fmt.Fprintln(tw, line)
	}
	tw.Flush()
}

func transitionMove(t workbench.TransitionInfo) string {
	if t.FromColumnID == 0 {
		if t.ToStage != "" {
			return fmt.Sprintf("created in %s (%s)", t.ToColumn, t.ToStage)
		}
		return "created in " + t.ToColumn
	}
	stages := ""
	if t.FromStage != t.ToStage {
		stages = fmt.Sprintf(" (%s → %s)", orDash(t.FromStage), orDash(t.ToStage))
	}
	if t.FromColumnID == t.ToColumnID {
		return "reordered in " + t.ToColumn
	}
	return t.FromColumn + " → " + t.ToColumn + stages
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func transitionCause(t workbench.TransitionInfo) string {
	switch t.CauseKind {
	case "user":
		if t.CauseRef != "" {
			return "by hand, by " + t.CauseRef
		}
		return "by hand"
	case "undo":
		return "undo"
	case "column":
		return fmt.Sprintf("column %q removed", t.CauseRef)
	case "commit":
		return "commit " + t.CauseRef[:min(len(t.CauseRef), 12)]
	case "run":
		return "run #" + t.CauseRef
	case "branch":
		return "branch " + t.CauseRef
	}
	return t.CauseKind + " " + t.CauseRef
}

// localTime shows an RFC 3339 time in the local zone, to the minute.
func localTime(ts string) string {
	t, err := time.Parse(time.RFC3339, ts)
	if err != nil {
		return ts
	}
	return t.Local().Format("2006-01-02 15:04")
}

func cmdCardMove(e *env) error {
	fs, c := e.flags("card move", "card move KEY COLUMN [--dir D] [--home DIR]", true)
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) < 2 {
		return &usageError{"card move needs a card key and a column, such as: eightfold card move 12 Code"}
	}
	return onProject(c, func(p *workbench.Project) error {
		card, err := p.CardByKey(pos[0])
		if err != nil {
			return err
		}
		b, err := p.Board()
		if err != nil {
			return err
		}
		col, err := findColumn(b, strings.Join(pos[1:], " ")) // unquoted names of several words work too
		if err != nil {
			return err
		}
		moved, err := p.MoveCard(card.ID, col.ID, 0, 0)
		if err != nil {
			return err
		}
		if moved.ColumnID == card.ColumnID {
			fmt.Fprintf(e.stdout, "%s is in %s already; it is now at the end of it.\n", moved.Key, moved.Column)
		} else {
			fmt.Fprintf(e.stdout, "Moved %s to %s (from %s).\n", moved.Key, moved.Column, card.Column)
		}
		return noteWIP(e.stdout, p, col.ID)
	})
}

// noteWIP says when a column is over its WIP limit (a soft limit: the move happened).
func noteWIP(w io.Writer, p *workbench.Project, columnID int64) error {
	b, err := p.Board()
	if err != nil {
		return err
	}
	for _, col := range b.Columns {
		if col.ID == columnID && col.OverLimit {
			fmt.Fprintf(w, "%s now holds %s, over its WIP limit of %d.\n", col.Name, count(col.Count, "card"), col.WIPLimit)
		}
	}
	return nil
}

func cmdCardUndo(e *env) error {
	fs, c := e.flags("card undo", "card undo [--dir D] [--home DIR]", true)
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if err := noArgs("card undo", pos, ""); err != nil {
		return err
	}
	return onProject(c, func(p *workbench.Project) error {
		card, err := p.UndoMove()
		if err == nil {
			fmt.Fprintf(e.stdout, "Moved %s back to %s.\n", card.Key, card.Column)
		}
		return err
	})
}

func cmdCardKey(e *env) error {
	fs, c := e.flags("card key", "card key KEY [--dir D] [--home DIR]", true)
	pos, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return &usageError{`card key needs the project key, such as: eightfold card key APP (or "" to name cards #12)`}
	}
	return onProject(c, func(p *workbench.Project) error {
		if err := p.SetBoardKey(pos[0]); err != nil {
			return err
		}
		b, err := p.Board()
		switch {
		case err != nil:
			return err
		case b.Key == "":
			fmt.Fprintln(e.stdout, "Cards are named #1, #2… again.")
		default:
			fmt.Fprintf(e.stdout, "Cards are named %s-1, %s-2… now.\n", b.Key, b.Key)
		}
		return nil
	})
}
