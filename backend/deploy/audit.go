package deploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"time"
)

// AuditLine is one line of a target's .eightfold/audit.log: every deploy, rollback,
// restart, stop and forced unlock on the host, by whoever ran it (this machine, a CI job,
// a colleague). It is the history all deployers share.
type AuditLine struct {
	At       time.Time `json:"at"`
	Who      string    `json:"who"`
	Action   string    `json:"action"` // deploy, promote, rollback, restart, stop
	Version  string    `json:"version,omitempty"`
	Commit   string    `json:"commit,omitempty"`
	Release  string    `json:"release,omitempty"`  // the release directory it made, or chose
	Previous string    `json:"previous,omitempty"` // what current pointed to before
	Result   string    `json:"result"`             // ok, failed, forced-unlock
	Reason   string    `json:"reason,omitempty"`
	// Switched says that a deploy or promotion made its release current, even if it then
	// failed and switched back: a failure after the switch is a change failure (DORA).
	Switched bool `json:"switched,omitempty"`

	Line int `json:"-"` // its number in the log (from 1), as ReadAudit read it
}

// Audit results.
const (
	AuditOK           = "ok"
	AuditFailed       = "failed"
	AuditForcedUnlock = "forced-unlock"
)

// AuditSkip is a line of an audit log that could not be read: its number (from 1) and why.
type AuditSkip struct {
	Line   int
	Reason string
}

// ReadAudit reads the audit log of the target rooted at root on h, oldest line first. A
// target never deployed to has none: no lines, no error. A line that does not parse, or
// lacks its time or action, is left out and named in skipped.
func ReadAudit(h Host, root string) (lines []AuditLine, skipped []AuditSkip, err error) {
	l := layout{root: root}
	b, err := h.ReadFile(l.audit())
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read %s on %s: %w", l.audit(), h, err)
	}
	lines, skipped = ParseAudit(b)
	return lines, skipped, nil
}

// ParseAudit parses the text of an audit log (see ReadAudit); blank lines are skipped
// silently.
func ParseAudit(b []byte) (lines []AuditLine, skipped []AuditSkip) {
	for n, raw := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(raw)) == 0 {
			continue
		}
		var a AuditLine
		if err := json.Unmarshal(raw, &a); err != nil {
			skipped = append(skipped, AuditSkip{Line: n + 1, Reason: "not a JSON audit line: " + err.Error()})
			continue
		}
		if a.At.IsZero() || a.Action == "" {
			skipped = append(skipped, AuditSkip{Line: n + 1, Reason: "no time or no action"})
			continue
		}
		a.Line = n + 1
		lines = append(lines, a)
	}
	return lines, skipped
}
