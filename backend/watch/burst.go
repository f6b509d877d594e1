package watch

import (
	"maps"
	"slices"
	"time"
)

// burst collects the changes of one burst until it becomes a Batch.
type burst struct {
	files       map[string]struct{} // changed paths relative to Root
	overflow    bool
	err         error // the first error of the burst
	first, last time.Time
	held        time.Time // when git was last seen holding the index lock during the burst
	// wasHeld: git held the burst back and has not been seen letting go yet. When it lets go,
	// the burst waits one more quiet window: the events of git's last writes may still be on
	// their way when its lock is already gone.
	wasHeld bool
}

// since returns when the burst's maximum wait began: at its first change, or when git
// was last seen rewriting the work tree.
func (b *burst) since() time.Time {
	if b.held.After(b.first) {
		return b.held
	}
	return b.first
}

// add records a changed path.
func (b *burst) add(rel string) {
	if b.files == nil {
		b.files = make(map[string]struct{})
	}
	b.files[rel] = struct{}{}
}

// fail records err unless the burst already has an error.
func (b *burst) fail(err error) {
	if b.err == nil {
		b.err = err
	}
}

// merge adds o's changes to b.
func (b *burst) merge(o *burst) {
	for rel := range o.files {
		b.add(rel)
	}
	b.overflow = b.overflow || o.overflow
	b.fail(o.err)
	if b.first.IsZero() || o.first.Before(b.first) {
		b.first = o.first
	}
	if o.last.After(b.last) {
		b.last = o.last
	}
}

// batch returns b as a Batch.
func (b *burst) batch() Batch {
	files := slices.Sorted(maps.Keys(b.files))
	count := len(files)
	if count > MaxFiles {
		files = slices.Clone(files[:MaxFiles])
	}
	return Batch{Files: files, Count: count, Overflow: b.overflow, Err: b.err, First: b.first, Last: b.last}
}

// due returns when a burst whose first and last changes came at first and
// last ends: after a quiet debounce window, or maxWait after it began,
// whichever is earlier. Times from time.Now compare on the monotonic clock.
func due(first, last time.Time, debounce, maxWait time.Duration) time.Time {
	quiet, limit := last.Add(debounce), first.Add(maxWait)
	if limit.Before(quiet) {
		return limit
	}
	return quiet
}
