package workbench

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"eightfold/backend/config"
	"eightfold/backend/deploy"
)

// TopicOperateLog is sent with a LogBatch: the new lines of a log stream, at most ten times a
// second; the last batch of a stream has Ended set.
const TopicOperateLog = "operate.log"

// Limits of the log streams.
const (
	logTail       = 200                    // lines of the app log shown before it is followed
	logFlushEvery = 100 * time.Millisecond // at most ten batches a second
	logBatchMax   = 500                    // lines per batch: older ones are dropped and counted
	logKeepAlive  = time.Minute            // a stream that KeepLogs did not renew for this long ends
)

// Why a log stream was cancelled.
var (
	errLogClosed = errors.New("closed by the viewer")
	errLogIdle   = errors.New("nobody watched it")
)

// LogStreamInfo is a log stream that OpenLogs started.
type LogStreamInfo struct {
	ID     string `json:"id"`
	Target string `json:"target"`
	Source string `json:"source"`  // the logs command run, or the app log file followed
	Host   string `json:"host"`    // "local", user@host:port, or the hosts joined
	KeepMs int64  `json:"keep_ms"` // the stream ends unless KeepLogs is called more often than this
}

// LogBatch is what a log stream sends: its new lines, scrubbed of the target's secrets.
type LogBatch struct {
	Stream  string   `json:"stream"`
	Lines   []string `json:"lines"`
	Skipped int      `json:"skipped"` // lines dropped before these: the output came faster than it is shown
	Ended   bool     `json:"ended"`   // the stream is over: no batch follows
	Reason  string   `json:"reason"`  // why it ended
	Failed  bool     `json:"failed"`  // it ended by an error (a dropped connection, a failed command)
}

// logStream is a log stream going: the lines gathered since the last batch.
type logStream struct {
	id      string
	target  config.Target
	scrub   *deploy.Scrubber
	mu      sync.Mutex
	lines   []string
	skipped int
	kept    time.Time // when KeepLogs last renewed it
}

// OpenLogs starts streaming a target's logs: its logs command (over SSH for an ssh target,
// on every host at once for a target with hosts, each line after "[host] "), or for a local
// target without one, the app log its start command writes to (the last 200 lines, then
// what follows). Lines arrive as operate.log events; the stream ends with
// CloseLogs, when the command ends or its connection drops, when the project closes, and
// when KeepLogs has not been called for a minute.
func (p *Project) OpenLogs(target string) (LogStreamInfo, error) {
	_, t, err := p.targetConfig(target)
	if err != nil {
		return LogStreamInfo{}, err
	}
	source := logsSource(t)
	if source == "" {
		return LogStreamInfo{}, errorf(CodeConflict, "%s has no logs command: add one to the target in eightfold.yaml, such as logs: journalctl -u app -f -n 200", target)
	}
	secrets, err := readSecrets(t)
	if err != nil {
		return LogStreamInfo{}, err
	}
	id, ctx, done, err := p.startJob("log")
	if err != nil {
		return LogStreamInfo{}, err
	}
	s := &logStream{id: id, target: t, scrub: deploy.NewScrubber(slices.Collect(maps.Values(secrets))), kept: time.Now()}
	p.operate.addStream(s)
	spec := deploy.Spec{Target: t.Name, Root: t.Path, Logs: t.Logs, Secrets: secrets}
	go func() {
		defer done()
		p.follow(ctx, s, spec)
	}()
	return LogStreamInfo{ID: id, Target: t.Name, Source: source, Host: hostsLabel(t), KeepMs: p.operate.keepAlive().Milliseconds()}, nil
}

// logsSource says where a target's logs come from: its logs command, or for a local target
// the app log file; "" when it has none.
func logsSource(t config.Target) string {
	switch {
	case t.Logs != "":
		return t.Logs
	case t.Local:
		return deploy.AppLog(t.Path)
	}
	return ""
}

// keepAlive is how long a stream lives without KeepLogs.
func (j *operateJobs) keepAlive() time.Duration {
	if j.keep > 0 {
		return j.keep
	}
	return logKeepAlive
}

// KeepLogs renews a log stream: the viewer still shows it. A stream that is over is not
// found: open the logs again.
func (p *Project) KeepLogs(id string) error {
	s, ok := p.operate.stream(id)
	if !ok {
		return errorf(CodeNotFound, "log stream %s has ended: open the logs again", id)
	}
	s.mu.Lock()
	s.kept = time.Now()
	s.mu.Unlock()
	return nil
}

// CloseLogs ends a log stream; one that is over already is no error.
func (p *Project) CloseLogs(id string) error {
	p.operate.cancel(id, errLogClosed)
	return nil
}

// follow connects to the target's hosts and runs its logs on each until they end, sending
// batches as lines arrive and the last one with why they ended.
func (p *Project) follow(ctx context.Context, s *logStream, spec deploy.Spec) {
	stop, pumped := make(chan struct{}), make(chan struct{})
	go func() { defer close(pumped); p.pump(s, stop) }()
	per, names := s.target.PerHost(), s.target.HostNames()
	reasons, failed := make([]string, len(per)), make([]bool, len(per))
	var wg sync.WaitGroup
	for i, ht := range per {
		host, one := "", spec
		if len(s.target.Hosts) > 0 {
			host, one.Root = names[i], ht.Path
		}
		wg.Go(func() { reasons[i], failed[i] = p.followHost(ctx, s, ht, one, host) })
	}
	wg.Wait()
	close(stop)
	<-pumped
	p.emit.Emit(TopicOperateLog, s.batch(true, endReason(names, reasons), slices.Contains(failed, true)))
}

// followHost runs the logs on one host, each line after its label; it says why they ended.
func (p *Project) followHost(ctx context.Context, s *logStream, t config.Target, spec deploy.Spec, host string) (string, bool) {
	status := -1
	h, err := p.connect(ctx, t)
	if err == nil {
		label := hostLabel(host)
		status, err = deploy.FollowLogs(ctx, h, spec, logTail, func(line string) { s.add(label + line) })
		h.Close()
	}
	return s.reason(ctx, t, status, err)
}

// endReason is why a stream ended: its hosts' one reason, or each host's when they differ.
func endReason(hosts, reasons []string) string {
	if len(slices.Compact(slices.Clone(reasons))) == 1 {
		return reasons[0]
	}
	out := make([]string, len(reasons))
	for i, r := range reasons {
		out[i] = hosts[i] + ": " + r
	}
	return strings.Join(out, "; ")
}

// pump sends the lines gathered every logFlushEvery, and ends the stream when nobody kept
// it alive, until stop is closed.
func (p *Project) pump(s *logStream, stop <-chan struct{}) {
	tick := time.NewTicker(logFlushEvery)
	defer tick.Stop()
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
			if b := s.batch(false, "", false); len(b.Lines) > 0 || b.Skipped > 0 {
				p.emit.Emit(TopicOperateLog, b)
			}
			s.mu.Lock()
			idle := time.Since(s.kept) > p.operate.keepAlive()
			s.mu.Unlock()
			if idle {
				p.operate.cancel(s.id, errLogIdle)
			}
		}
	}
}

// add takes a line of output (scrubbed already), keeping at most logBatchMax waiting.
func (s *logStream) add(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lines = append(s.lines, SafeText([]byte(line)))
	if over := len(s.lines) - logBatchMax; over > 0 {
		s.lines = slices.Delete(s.lines, 0, over)
		s.skipped += over
	}
}

// batch takes the lines waiting into a batch.
func (s *logStream) batch(ended bool, reason string, failed bool) LogBatch {
	s.mu.Lock()
	defer s.mu.Unlock()
	b := LogBatch{Stream: s.id, Lines: s.lines, Skipped: s.skipped, Ended: ended, Reason: reason, Failed: failed}
	if b.Lines == nil {
		b.Lines = []string{}
	}
	s.lines, s.skipped = nil, 0
	return b
}

// reason says why a stream ended on the host of t, and whether by an error.
func (s *logStream) reason(ctx context.Context, t config.Target, status int, err error) (string, bool) {
	if ctx.Err() != nil {
		switch cause := context.Cause(ctx); cause {
		case errLogClosed:
			return "closed", false
		case errLogIdle:
			return "stopped: nobody watched these logs for a while", false
		default:
			return "stopped: " + cause.Error(), false
		}
	}
	switch {
	case err != nil && !t.Local:
		return s.scrub.Scrub(fmt.Sprintf("the connection to %s failed or dropped: %v; reconnect once it answers", t.SSH, err)), true
	case err != nil:
		return s.scrub.Scrub(fmt.Sprintf("the logs could not be followed: %v", err)), true
	case status != 0:
		return fmt.Sprintf("the logs command exited with status %d", status), true
	}
	return "the logs command ended", false
}
