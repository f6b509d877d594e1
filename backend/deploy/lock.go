package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"time"
)

// Holder is who holds a target's deploy lock, as written in the lock.
type Holder struct {
	Who     string    `json:"who"` // user@machine
	Since   time.Time `json:"since"`
	Version string    `json:"version"`
	Action  string    `json:"action"` // deploy, rollback
}

// LockHeldError is the refusal of a deploy while another holds the target's lock.
type LockHeldError struct {
	Target string
	Holder Holder
	Age    time.Duration
}

func (e *LockHeldError) Error() string {
	who := e.Holder.Who
	if who == "" {
		who = "someone (the lock has no holder file)"
	}
	return fmt.Sprintf("%s is locked by %s, who started a %s of %s %s ago; wait for it, or if it is stale (the deploy died), unlock with --force-unlock",
		e.Target, who, orWord(e.Holder.Action, "deploy"), orWord(e.Holder.Version, "a version"), e.Age.Round(time.Second))
}

func orWord(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// lock takes the target's lock: an atomic mkdir, then the holder file inside it. force
// removes a lock that is held first (the caller has confirmed it is stale).
func lock(h Host, l layout, target string, me Holder, force bool) error {
	if err := h.MkdirAll(l.meta(), 0o755); err != nil {
		return fmt.Errorf("make %s on %s: %w", l.meta(), h, err)
	}
	if force {
		if err := h.RemoveAll(l.lock()); err != nil {
			return fmt.Errorf("remove the lock %s on %s: %w", l.lock(), h, err)
		}
	}
	err := h.Mkdir(l.lock(), 0o755)
	if errors.Is(err, fs.ErrExist) {
		held := &LockHeldError{Target: target}
		if b, err := h.ReadFile(path.Join(l.lock(), "holder.json")); err == nil {
			json.Unmarshal(b, &held.Holder)
		}
		if !held.Holder.Since.IsZero() {
			held.Age = me.Since.Sub(held.Holder.Since)
		}
		return held
	}
	if err != nil {
		return fmt.Errorf("take the lock %s on %s: %w", l.lock(), h, err)
	}
	b, _ := json.Marshal(me)
	if err := h.WriteFile(path.Join(l.lock(), "holder.json"), b, 0o644); err != nil {
		h.RemoveAll(l.lock())
		return fmt.Errorf("write the lock's holder on %s: %w", h, err)
	}
	return nil
}

// unlock releases the lock.
func unlock(h Host, l layout) error {
	if err := h.RemoveAll(l.lock()); err != nil {
		return fmt.Errorf("release the lock %s on %s (it will show as held; --force-unlock removes it): %w", l.lock(), h, err)
	}
	return nil
}
