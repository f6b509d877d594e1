package watch

import (
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestDue(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1_700_000_000, 0)
	ms := time.Millisecond
	tests := []struct {
		name        string
		first, last time.Duration // after t0
		want        time.Duration
	}{
		{"single change waits the quiet window", 0, 0, 25 * ms},
		{"a later change extends it", 0, 10 * ms, 35 * ms},
		{"a long stream ends at MaxWait", 0, 4990 * ms, 5000 * ms},
		{"exactly at MaxWait", 0, 4975 * ms, 5000 * ms},
	}
	for _, tt := range tests {
		got := due(t0.Add(tt.first), t0.Add(tt.last), 25*ms, 5*time.Second)
		if want := t0.Add(tt.want); !got.Equal(want) {
			t.Errorf("%s: due = %v after t0, want %v", tt.name, got.Sub(t0), tt.want)
		}
	}
}

func TestBurstBatch(t *testing.T) {
	t.Parallel()
	t0 := time.Now()
	a := burst{first: t0, last: t0.Add(time.Millisecond)}
	for i := range 150 {
		a.add(fmt.Sprintf("f%03d", 149-i))
	}
	a.add("f000")
	b := burst{first: t0.Add(-time.Second), last: t0.Add(time.Second), overflow: true}
	b.add("a")
	b.fail(errors.New("first"))
	a.merge(&b)
	a.fail(errors.New("second"))
	got := a.batch()
	if got.Count != 151 || len(got.Files) != MaxFiles || got.Files[0] != "a" || got.Files[1] != "f000" ||
		!slices.IsSorted(got.Files) {
		t.Fatalf("batch has Count %d and %d files starting %q; want 151, %d, sorted from a, f000",
			got.Count, len(got.Files), got.Files[:2], MaxFiles)
	}
	if !got.Overflow || got.Err == nil || got.Err.Error() != "first" ||
		!got.First.Equal(b.first) || !got.Last.Equal(b.last) {
		t.Fatalf("batch = %+v, want Overflow, the first error and the widest times", got)
	}
}
