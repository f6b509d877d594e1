package deploy

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// A multi-line secret (a PEM key) is hidden line by line in output read line by line.
func TestScrubberHidesEachLineOfAMultiLineSecret(t *testing.T) {
	key := "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END KEY-----"
	var lines []string
	w := &lineWriter{scrub: NewScrubber([]string{key, "abc"}), line: func(s string) { lines = append(lines, s) }}
	w.Write([]byte("token: " + key + "\nabc stays: too short to be a secret\n"))
	w.Close()
	got := strings.Join(lines, "\n")
	if strings.Contains(got, "MIIEvQIBADANBgkqhkiG9w0B") || !strings.Contains(got, "token: ••••") || !strings.Contains(got, "abc stays") {
		t.Errorf("%q", got)
	}
}

// A deploy whose lock was forced away by another does not remove the other's lock, and
// does not switch.
func TestAForcedAwayLockIsLeftToItsNewHolder(t *testing.T) {
	s := newSite(t)
	l := layout{root: s.root}
	a := Holder{Who: "a", Since: time.Now(), Token: "token-a"}
	b := Holder{Who: "b", Since: time.Now(), Token: "token-b"}
	if err := lock(LocalHost{}, l, "staging", a, false); err != nil {
		t.Fatal(err)
	}
	if err := lock(LocalHost{}, l, "staging", b, true); err != nil {
		t.Fatal(err)
	}
	if err := unlock(LocalHost{}, l, a.Token); !errors.Is(err, ErrLockTaken) || !strings.Contains(err.Error(), "by b") {
		t.Fatalf("a's unlock: %v", err)
	}
	if holder, err := readHolder(LocalHost{}, l); err != nil || holder.Who != "b" {
		t.Fatalf("the lock after a's unlock: %+v, %v", holder, err)
	}
	d := newRun(LocalHost{}, s.spec("1.0.0"), &recorder{})
	d.res.LockToken = a.Token
	if d.switchTo("x") || !strings.Contains(d.res.Failure, "forced away by b") {
		t.Errorf("a switched with b's lock: %q", d.res.Failure)
	}
}

// A failing after_deploy hook is a warning: the release is current, healthy and recorded so.
func TestAfterDeployFailureIsAWarning(t *testing.T) {
	s := newSite(t)
	spec := s.spec("1.0.0")
	spec.AfterDeploy = "exit 3"
	res, rec, err := s.deploy(spec)
	if err != nil || !res.Healthy || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "after_deploy exited with status 3") {
		t.Fatalf("%+v, %v\n%s", res, err, rec.text())
	}
	if s.current() != "releases/"+res.Release {
		t.Errorf("current %s", s.current())
	}
}

// A second rollback goes further back, never forward to the release rolled away from.
func TestASecondRollbackGoesFurtherBack(t *testing.T) {
	s := newSite(t)
	for _, v := range []string{"1.0.0", "2.0.0"} {
		if _, rec, err := s.deploy(s.spec(v)); err != nil {
			t.Fatalf("%v\n%s", err, rec.text())
		}
	}
	if _, err := Rollback(context.Background(), LocalHost{}, s.spec(""), "", &recorder{}); err != nil || s.serving() != "1.0.0" {
		t.Fatalf("first rollback: %v, serving %q", err, s.serving())
	}
	if _, err := Rollback(context.Background(), LocalHost{}, s.spec(""), "", &recorder{}); err == nil || !strings.Contains(err.Error(), "no earlier healthy release") {
		t.Fatalf("a second rollback: %v", err)
	}
	if s.serving() != "1.0.0" {
		t.Errorf("serving %q", s.serving())
	}
}

// failingRename is this machine, where renaming onto current fails from the nth time on.
type failingRename struct {
	LocalHost
	n, renames int
}

func (f *failingRename) Rename(from, to string) error {
	if filepath.Base(to) == "current" {
		if f.renames++; f.renames >= f.n {
			return errors.New("disk full")
		}
	}
	return f.LocalHost.Rename(from, to)
}

// When the switch back fails too, the failure says that current points at the failed
// release and what to do.
func TestAFailedSwitchBackIsReported(t *testing.T) {
	s := newSite(t)
	if _, rec, err := s.deploy(s.spec("1.0.0")); err != nil {
		t.Fatalf("%v\n%s", err, rec.text())
	}
	spec := s.spec("broken")
	spec.Health.Deadline = time.Second
	res, err := Deploy(context.Background(), &failingRename{n: 2}, spec, &recorder{})
	if err == nil || !strings.Contains(res.Failure, "unhealthy") || !strings.Contains(res.Failure, "current still points at releases/"+res.Release) ||
		!strings.Contains(res.Failure, "eightfold rollback staging") {
		t.Fatalf("%q", res.Failure)
	}
	if _, err := os.Stat(filepath.Join(s.root, ".eightfold", "lock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the lock is held: %v", err)
	}
}
