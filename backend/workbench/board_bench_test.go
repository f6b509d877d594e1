package workbench

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"eightfold/backend/store"
)

// seedBenchBoard makes a project whose board has 1,000 cards (a third with labels, a quarter
// with checklists) and 10,000 transitions: 1,000 creations and 9,000 moves to another column.
func seedBenchBoard(b *testing.B) *Project {
	s, err := store.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	p, err := Open(s, b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { p.Close(); s.Close() })
	if err := seed(p); err != nil {
		b.Fatal(err)
	}
	return p
}

func seed(p *Project) error {
	r := rand.New(rand.NewPCG(1, 2))
	board, err := p.Board()
	if err != nil {
		return err
	}
	var labels []int64
	for _, name := range []string{"bug", "feature", "ui", "api", "docs", "perf"} {
		l, err := p.AddLabel(name, "")
		if err != nil {
			return err
		}
		labels = append(labels, l.ID)
	}
	var cards []int64
	column := map[int64]int{} // card id → index of its column
	for i := range 1000 {
		col := r.IntN(len(board.Columns))
		nc := NewCard{Title: fmt.Sprintf("Card number %d with a title of a usual length", i), Assignee: "ann",
			ColumnID: board.Columns[col].ID}
		if i%3 == 0 {
			nc.LabelIDs = []int64{labels[r.IntN(len(labels))], labels[r.IntN(len(labels))]}
		}
		if i%5 == 0 {
			nc.Due = "2026-12-24"
		}
		c, err := p.AddCard(nc)
		if err != nil {
			return err
		}
		if i%4 == 0 {
			for j := range 3 {
				if _, err := p.AddChecklistItem(c.ID, fmt.Sprintf("step %d", j)); err != nil {
					return err
				}
			}
		}
		cards = append(cards, c.ID)
		column[c.ID] = col
	}
	for range 9000 {
		card := cards[r.IntN(len(cards))]
		col := (column[card] + 1 + r.IntN(len(board.Columns)-1)) % len(board.Columns) // another column
		if _, err := p.MoveCard(card, board.Columns[col].ID, 0, 0); err != nil {
			return err
		}
		column[card] = col
	}
	transitions := 0
	for _, id := range cards {
		d, err := p.CardDetail(id)
		if err != nil {
			return err
		}
		transitions += len(d.Transitions)
	}
	if transitions != 10_000 {
		return fmt.Errorf("%d transitions, want 10,000", transitions)
	}
	return nil
}

// BenchmarkBoard loads a board of 1,000 cards and 10,000 transitions through Project.Board,
// what the App's Board method returns (goal: ≤ 30 ms for the API call). Board+JSON adds the
// encoding the HTTP face does.
func BenchmarkBoard(b *testing.B) {
	p := seedBenchBoard(b)
	load := func(b *testing.B, encode bool) {
		n := 0
		for b.Loop() {
			board, err := p.Board()
			if err != nil {
				b.Fatal(err)
			}
			if encode {
				if _, err := json.Marshal(board); err != nil {
					b.Fatal(err)
				}
			}
			n = 0
			for _, c := range board.Columns {
				n += len(c.Cards)
			}
		}
		if n != 1000 {
			b.Fatalf("%d cards on the board", n)
		}
	}
	b.Run("Figures", func(b *testing.B) { // the board's figures alone: part of Board
		for b.Loop() {
			if _, err := p.deliveries(p.now()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Board", func(b *testing.B) { load(b, false) })
	b.Run("Board+JSON", func(b *testing.B) { load(b, true) })
}
