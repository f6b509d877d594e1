package deploy

import (
	"fmt"
	"slices"
)

// prune removes the oldest releases beyond Keep: never the one current points to, never
// the newest healthy one before it (the way back), and never a directory the state does
// not know (someone else's). It runs under the lock, so no deploy is using what it
// removes.
func (d *run) prune() {
	keep := max(d.spec.Keep, 2)
	d.step(StepPrune, StepRunning, fmt.Sprintf("keep %d", keep))
	protected := []string{d.res.Current, d.res.Previous}
	if p, ok := d.st.lastHealthy(d.res.Current); ok {
		protected = append(protected, p.Name)
	}
	var removed []string
	for len(d.st.Releases)-len(removed) > keep {
		victim := ""
		for _, r := range d.st.Releases {
			if !slices.Contains(protected, r.Name) && !slices.Contains(removed, r.Name) {
				victim = r.Name
				break
			}
		}
		if victim == "" {
			break
		}
		if err := d.h.RemoveAll(d.l.release(victim)); err != nil {
			d.step(StepPrune, StepFailed, fmt.Sprintf("remove releases/%s on %s: %v", victim, d.h, err))
			break
		}
		d.h.RemoveAll(d.l.envFile(victim))
		removed = append(removed, victim)
	}
	d.st.Releases = slices.DeleteFunc(d.st.Releases, func(r Release) bool { return slices.Contains(removed, r.Name) })
	removed = append(removed, d.removeLeftovers()...)
	if err := writeState(d.h, d.l, d.st); err != nil {
		d.step(StepPrune, StepFailed, fmt.Sprintf("record the pruning on %s: %v", d.h, err))
		return
	}
	d.step(StepPrune, StepPassed, fmt.Sprintf("%d removed", len(removed)))
}

// removeLeftovers removes the releases whose upload never finished (their marker in
// .eightfold/uploading is still there): what deploys that died half-way left behind.
func (d *run) removeLeftovers() []string {
	names, err := d.h.ReadDir(d.l.uploadingDir())
	if err != nil {
		return nil
	}
	var removed []string
	for _, name := range names {
		if _, known := d.st.find(name); known || name == d.res.Current || name == d.res.Previous {
			continue
		}
		if d.h.RemoveAll(d.l.release(name)) == nil {
			d.h.RemoveAll(d.l.envFile(name))
			d.h.RemoveAll(d.l.uploading(name))
			removed = append(removed, name)
		}
	}
	return removed
}
