package workbench

import (
	"encoding/json"
	"time"

	"eightfold/backend/affected"
	"eightfold/backend/store"
)

// ProjectInfo describes the opened repository for the header of every face.
type ProjectInfo struct {
	Path         string     `json:"path"`
	Name         string     `json:"name"`
	Branch       string     `json:"branch"`
	Commit       string     `json:"commit"`
	Dirty        bool       `json:"dirty"`
	IsGit        bool       `json:"isGit"`
	ConfigSource string     `json:"configSource"`
	ConfigError  string     `json:"configError"`
	Steps        []StepPlan `json:"steps"`
	Places       []Place    `json:"places"`
	Demo         bool       `json:"demo"` // made by `eightfold demo`: the faces offer the guided tour
}

// StepPlan is one step of the effective pipeline.
type StepPlan struct {
	Name      string `json:"name"`
	Run       string `json:"run"`
	Origin    string `json:"origin"`
	TimeoutMs int64  `json:"timeoutMs"`
}

// Place is one stage of the DevOps loop in the navigation, and whether it works yet.
type Place struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Ready bool   `json:"ready"`
	Note  string `json:"note"`
}

// RunInfo is a run as every face shows it; its JSON is the documented `eightfold run --json`
// object (docs/cli.md).
type RunInfo struct {
	ID         int64    `json:"id"`
	Project    string   `json:"project"`
	Status     string   `json:"status"`
	Trigger    string   `json:"trigger"`
	Name       string   `json:"name"` // "" for the pipeline's runs; an imported CI run's name
	Commit     string   `json:"commit"`
	Branch     string   `json:"branch"`
	Dirty      bool     `json:"dirty"`
	StartedAt  string   `json:"started_at"`
	FinishedAt string   `json:"finished_at"`
	DurationMs int64    `json:"duration_ms"`
	Error      string   `json:"error"`
	Reason     string   `json:"reason"`
	Changed    []string `json:"changed_files"`
	ChangedN   int      `json:"changed_count"`
	// Scope is what a narrowed run tested and why (watch mode, Go): null when the run ran
	// the pipeline as configured.
	Scope *affected.Selection `json:"scope"`
	Steps []StepInfo          `json:"steps"`
	Tests TestCounts          `json:"tests"`
}

// StepInfo is one step of a run.
type StepInfo struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	Command    string `json:"command"`
	Status     string `json:"status"`
	ExitCode   int    `json:"exit_code"`
	StartedAt  string `json:"started_at"`
	DurationMs int64  `json:"duration_ms"`
	LogBytes   int64  `json:"log_bytes"`
	Truncated  bool   `json:"truncated"`
}

// TestCounts sums the test results of a run. Failed includes errored results; Flaky counts
// the passed results that needed a retry (they are in Passed too).
type TestCounts struct {
	Total   int `json:"total"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
	Flaky   int `json:"flaky"`
}

// LogPage is a page of a step's stored output.
type LogPage struct {
	Chunks  []LogChunk `json:"chunks"`
	NextSeq int64      `json:"nextSeq"`
	More    bool       `json:"more"`
}

// LogChunk is one stored piece of output, made safe to show (see SafeText).
type LogChunk struct {
	Seq    int64  `json:"seq"`
	Ts     int64  `json:"ts"`
	Stream string `json:"stream"`
	Text   string `json:"text"`
}

// LogAppended is the payload of the log.appended event.
type LogAppended struct {
	RunID  int64 `json:"runId"`
	StepID int64 `json:"stepId"`
	Seq    int64 `json:"seq"`
}

// Event topics.
const (
	TopicRunStarted     = "run.started"
	TopicRunUpdated     = "run.updated"
	TopicRunFinished    = "run.finished"
	TopicLogAppended    = "log.appended"
	TopicProjectChanged = "project.changed"
	TopicBoardChanged   = "board.changed" // BoardChanged: a card, column, label or the key changed
)

func rfc3339(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format("2006-01-02T15:04:05.000Z07:00")
}

// runInfo turns a stored run into its DTO; now is used for the duration of running work.
func runInfo(r store.Run, now time.Time) RunInfo {
	ri := RunInfo{
		ID: r.ID, Project: r.ProjectPath, Status: r.Status, Trigger: r.Trigger, Name: r.Name,
		Commit: r.Commit, Branch: r.Branch, Dirty: r.Dirty,
		StartedAt: rfc3339(r.StartedMs), FinishedAt: rfc3339(r.FinishedMs),
		DurationMs: elapsed(r.StartedMs, r.FinishedMs, r.Status == store.StatusRunning, now), Error: r.Error,
		Reason: r.Reason, Changed: r.Changed, ChangedN: r.ChangedN, Scope: parseScope(r.Scope),
		Steps: make([]StepInfo, 0, len(r.Steps)),
		Tests: TestCounts(r.Tests),
	}
	for _, st := range r.Steps {
		ri.Steps = append(ri.Steps, stepInfo(st, now))
	}
	return ri
}

// parseScope reads a recorded scope; "" (or a damaged value) is no scope.
func parseScope(s string) *affected.Selection {
	if s == "" {
		return nil
	}
	var sel affected.Selection
	if json.Unmarshal([]byte(s), &sel) != nil {
		return nil
	}
	return &sel
}

func stepInfo(st store.Step, now time.Time) StepInfo {
	return StepInfo{
		ID: st.ID, Name: st.Name, Command: st.Command, Status: st.Status, ExitCode: st.ExitCode,
		StartedAt: rfc3339(st.StartedMs), DurationMs: elapsed(st.StartedMs, st.FinishedMs, st.Status == store.StatusRunning, now),
		LogBytes: st.LogBytes, Truncated: st.Truncated,
	}
}

// elapsed is the duration so far of running work, the recorded one of finished work, and 0
// when unknown (never started, or interrupted by a crash).
func elapsed(startMs, endMs int64, running bool, now time.Time) int64 {
	switch {
	case startMs == 0:
		return 0
	case running:
		return now.UnixMilli() - startMs
	case endMs == 0:
		return 0
	default:
		return endMs - startMs
	}
}
