package deploy

import (
	"crypto/rand"
	"encoding/hex"
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
	Action  string    `json:"action"` // deploy, promote, rollback, restart, stop
	// Token is the holder's secret-free random id: only the deploy that took the lock removes
	// it, so a deploy whose lock was forced away does not remove its successor's.
	Token string `json:"token"`
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

// orWord is s, or def when s is empty.
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
		held.Holder, _ = readHolder(h, l)
		since := held.Holder.Since
		if since.IsZero() { // no holder file: it died between the mkdir and the write
			if info, err := h.Stat(l.lock()); err == nil {
				since = info.ModTime()
			}
		}
		if !since.IsZero() {
			held.Age = me.Since.Sub(since)
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

// readHolder reads the lock's holder file.
func readHolder(h Host, l layout) (Holder, error) {
	var holder Holder
	b, err := h.ReadFile(path.Join(l.lock(), "holder.json"))
	if err == nil {
		err = json.Unmarshal(b, &holder)
	}
	return holder, err
}

// ErrLockTaken is wrapped by the error of a deploy whose lock another deploy forced away.
var ErrLockTaken = errors.New("the lock was forced away")

// holds checks that the lock is still the one taken with token.
func holds(h Host, l layout, token string) error {
	holder, err := readHolder(h, l)
	if err != nil {
		return fmt.Errorf("read the lock's holder on %s: %w", h, err)
	}
	if holder.Token != token {
		return fmt.Errorf("%w by %s (--force-unlock) at %s: this deploy stops here", ErrLockTaken, holder.Who, holder.Since.Format(time.RFC3339))
	}
	return nil
}

// unlock releases the lock taken with token; a lock another deploy holds now is left to it.
func unlock(h Host, l layout, token string) error {
	if err := holds(h, l, token); err != nil {
		return err
	}
	if err := h.RemoveAll(l.lock()); err != nil {
		return fmt.Errorf("release the lock %s on %s (it will show as held; --force-unlock removes it): %w", l.lock(), h, err)
	}
	return nil
}

// Unlock releases a lock that a deploy could not release itself (its connection dropped),
// when it still holds it: the caller reconnects and passes the deploy's token.
func Unlock(h Host, root, token string) error { return unlock(h, layout{root: root}, token) }

// newToken is a random lock token.
func newToken() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}
