package affected

import (
	"context"
	"sync"
)

// Tracker keeps one module's graph warm between runs: it loads the graph on first use and
// reloads it when a change makes it stale (Graph.Stale). It is safe for concurrent use;
// loads are serialized.
//
// Running everything on the first run after start is the caller's decision (it has no
// changed files); calling Warm during that run makes the next Select cheap.
type Tracker struct {
	root string
	load func(context.Context, string) (*Graph, error)

	mu sync.Mutex
	g  *Graph
}

// NewTracker returns a Tracker for the Go module in root. Nothing is loaded yet.
func NewTracker(root string) *Tracker { return &Tracker{root: root, load: Load} }

// Warm loads the graph unless it is loaded already.
func (t *Tracker) Warm(ctx context.Context) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.g != nil {
		return nil
	}
	g, err := t.load(ctx, t.root)
	if err != nil {
		return err
	}
	t.g = g
	return nil
}

// Graph returns the loaded graph, or nil.
func (t *Tracker) Graph() *Graph {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.g
}

// Reset forgets the graph, so that the next Select or Warm loads it again (after a
// checkout of another branch, for example).
func (t *Tracker) Reset() {
	t.mu.Lock()
	t.g = nil
	t.mu.Unlock()
}

// Select selects the packages that changed can affect, loading the graph first when there
// is none or when changed makes it stale. When the graph cannot be loaded it selects
// everything, with the load error as the reason (the full test run then reports the same
// problem in its own words).
func (t *Tracker) Select(ctx context.Context, changed []string) Selection {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.g == nil || t.g.Stale(changed) {
		g, err := t.load(ctx, t.root)
		if err != nil {
			t.g = nil
			return Everything("the import graph did not load: " + err.Error())
		}
		t.g = g
	}
	return t.g.Select(changed)
}
