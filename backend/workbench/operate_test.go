package workbench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"eightfold/backend/deploy"
	"eightfold/backend/internal/sshdtest"
	"eightfold/backend/store"
)

// logBatches are the operate.log batches of a stream sent so far.
func logBatches(rec *recorder, stream string) []LogBatch {
	var out []LogBatch
	for _, e := range rec.snapshot() {
		if b, ok := e.payload.(LogBatch); ok && e.topic == TopicOperateLog && b.Stream == stream {
			out = append(out, b)
		}
	}
	return out
}

// streamText is the lines of a stream so far, one a line.
func streamText(rec *recorder, stream string) string {
	var b strings.Builder
	for _, batch := range logBatches(rec, stream) {
		for _, l := range batch.Lines {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// logEnd waits for a stream's last batch.
func logEnd(t *testing.T, rec *recorder, stream string) LogBatch {
	t.Helper()
	var end LogBatch
	waitFor(t, func() bool {
		bs := logBatches(rec, stream)
		if len(bs) > 0 && bs[len(bs)-1].Ended {
			end = bs[len(bs)-1]
			return true
		}
		return false
	})
	return end
}

// operateSteps is the pipeline of the projects made here only for their targets.
const operateSteps = "steps:\n  - {name: build, run: 'true'}\n"

func openLogs(t *testing.T, p *Project, target string) LogStreamInfo {
	t.Helper()
	info, err := p.OpenLogs(target)
	if err != nil {
		t.Fatal(err)
	}
	return info
}

// operateSite is deploySite with a staging start command that leaves the app's output to
// Eightfold (no redirection) and no logs command: the Operate view follows the app log.
func operateSite(t *testing.T) *deploySite {
	s := newDeploySite(t, 0, "feat: one", func(y string) string {
		y = strings.Replace(y, `nohup ./current/bin/app -addr "127.0.0.1:$PORT" >> app.log 2>&1 &`, `nohup ./current/bin/app -addr "127.0.0.1:$PORT" &`, 1)
		return strings.Replace(y, "    logs: tail -n 5 app.log\n", "", 1)
	})
	s.release()
	if d, err := s.p.Deploy(context.Background(), DeployOptions{Target: "staging"}, "deploy"); err != nil {
		t.Fatalf("%v\n%s", err, d.Log)
	}
	return s
}

// A local target: what it runs, its health check, its open incidents, its lock, its app
// log followed live across a restart, and a stop it does not have.
func TestOperateLocalTarget(t *testing.T) {
	s := operateSite(t)
	p, rec := s.p, s.rec
	ctx := context.Background()
	cur, _, _ := p.store.CurrentDeploy(ctx, p.id, "staging")
	checkID, _ := p.store.EnsureCheck(ctx, p.id, "target:staging", fmt.Sprintf("http://127.0.0.1:%d/healthz", s.staging))
	mustIncident(t, p, store.Incident{CheckID: checkID, Kind: store.IncidentCheckDown, Title: "staging is DOWN", StartedMs: 1000})
	mustIncident(t, p, store.Incident{DeployID: cur.ID, Kind: store.IncidentRollback, Title: "rolled back", StartedMs: 2000})
	mustIncident(t, p, store.Incident{CheckID: checkID, Kind: store.IncidentCheckDown, Title: "over", StartedMs: 500, ResolvedMs: 900})

	targets, err := p.Operate()
	if err != nil || len(targets) != 2 {
		t.Fatalf("%+v, %v", targets, err)
	}
	st, prod := targets[0], targets[1]
	if st.Running == nil || st.Running.Version != "0.1.0" || st.Running.Commit == "" || st.Running.Since == "" || prod.Running != nil {
		t.Errorf("running: %+v, %+v", st.Running, prod.Running)
	}
	if st.Health == nil || st.Health.Name != "target:staging" || st.Logs != deploy.AppLog(s.roots[0]) || st.Stop != "" || !prod.Production {
		t.Errorf("staging %+v; production %+v", st, prod)
	}
	if len(st.Incidents) != 2 || st.Incidents[0].Title != "rolled back" || st.Incidents[1].Title != "staging is DOWN" || len(prod.Incidents) != 0 {
		t.Errorf("incidents: %+v; production %+v", st.Incidents, prod.Incidents)
	}

	logs := openLogs(t, p, "staging")
	waitFor(t, func() bool { return strings.Contains(streamText(rec, logs.ID), "serving feat: one on") })
	res, err := p.RestartTarget("staging", false)
	if err != nil || !res.OK || res.Version != "0.1.0" || res.Release == "" {
		t.Fatalf("restart: %+v, %v", res, err)
	}
	waitFor(t, func() bool {
		return strings.Contains(streamText(rec, logs.ID), "eightfold start: releases/"+res.Release)
	})
	waitFor(t, func() bool { return strings.Count(streamText(rec, logs.ID), "serving feat: one on") == 2 })
	if err := p.KeepLogs(logs.ID); err != nil {
		t.Fatal(err)
	}
	p.CloseLogs(logs.ID)
	if end := logEnd(t, rec, logs.ID); end.Reason != "closed" || end.Failed {
		t.Errorf("the last batch: %+v", end)
	}
	if err := p.KeepLogs(logs.ID); err == nil {
		t.Error("a closed stream was kept")
	}

	if _, err := p.StopTarget("staging", false); err == nil || !strings.Contains(err.Error(), "has no stop command") {
		t.Errorf("stop without a stop command: %v", err)
	}
	if _, err := p.RestartTarget("production", false); err == nil || !strings.Contains(err.Error(), "confirm") {
		t.Errorf("an unconfirmed restart of production: %v", err)
	}
	noSecretAnywhere(t, s.releaseT, "tok-sentinel-4242")
}

func mustIncident(t *testing.T, p *Project, in store.Incident) {
	t.Helper()
	in.ProjectID = p.id
	if _, err := p.store.OpenIncident(context.Background(), in); err != nil {
		t.Fatal(err)
	}
}

// A held lock is shown with its holder and refuses a restart.
func TestOperateLockRefusesARestart(t *testing.T) {
	s := operateSite(t)
	p := s.p
	if l, err := p.OperateLock("staging"); err != nil || l.Held {
		t.Fatalf("a free lock: %+v, %v", l, err)
	}
	lockDir := filepath.Join(s.roots[0], ".eightfold", "lock")
	os.MkdirAll(lockDir, 0o755)
	os.WriteFile(filepath.Join(lockDir, "holder.json"), []byte(`{"who":"bob@ci","since":"2026-01-02T03:04:05Z","action":"deploy","version":"0.2.0","token":"x"}`), 0o644)
	l, err := p.OperateLock("staging")
	if err != nil || !l.Held || l.Who != "bob@ci" || l.Action != "deploy" || l.Version != "0.2.0" || l.Since != "2026-01-02T03:04:05.000Z" {
		t.Fatalf("a held lock: %+v, %v", l, err)
	}
	if _, err := p.RestartTarget("staging", false); err == nil || !strings.Contains(err.Error(), "locked by bob@ci") {
		t.Fatalf("a restart while the lock is held: %v", err)
	}
}

// A stream nobody keeps alive ends by itself; a command that floods is capped per batch,
// with the lines it drops counted, and nothing is lost from the count.
func TestLogStreamIdleAndFlood(t *testing.T) {
	root := t.TempDir()
	p, rec := newProject(t, fmt.Sprintf(operateSteps+"targets:\n  staging:\n    local: true\n    path: %s\n    logs: seq 1 100000\n  idle:\n    local: true\n    path: %s\n", root, t.TempDir()))
	p.operate.keep = 300 * time.Millisecond

	idle := openLogs(t, p, "idle")
	if end := logEnd(t, rec, idle.ID); !strings.Contains(end.Reason, "nobody watched") {
		t.Errorf("an idle stream ended with %+v", end)
	}
	p.operate.keep = 0 // the idle stream is over: the flood gets the default minute

	flood := openLogs(t, p, "staging")
	end := logEnd(t, rec, flood.ID)
	if end.Reason != "the logs command ended" || end.Failed {
		t.Errorf("the last batch: %+v", end)
	}
	lines, skipped := 0, 0
	for _, b := range logBatches(rec, flood.ID) {
		if len(b.Lines) > logBatchMax {
			t.Fatalf("a batch of %d lines", len(b.Lines))
		}
		lines, skipped = lines+len(b.Lines), skipped+b.Skipped
	}
	if skipped == 0 || lines+skipped != 100000 || !strings.HasSuffix(streamText(rec, flood.ID), "99999\n100000\n") {
		t.Errorf("%d lines shown and %d skipped", lines, skipped)
	}
}

// sshOperateProject is a project with an ssh target on a private sshd whose host key the
// project trusts, with a logs command and a secret.
func sshOperateProject(t *testing.T, logs string) (*Project, *recorder, *sshdtest.Server, string) {
	srv := sshdtest.Start(t)
	root := t.TempDir()
	t.Setenv("API_TOKEN", "tok-sentinel-4242")
	yaml := fmt.Sprintf(operateSteps+"targets:\n  staging:\n    ssh: %s@127.0.0.1:%d\n    identity: %s\n    path: %s\n    secrets: [API_TOKEN]\n    logs: '%s'\n",
		srv.User, srv.Port, srv.ClientKeyFile, root, logs)
	p, rec := newProject(t, yaml)
	known := filepath.Join(filepath.Dir(p.store.Path()), "known_hosts")
	if err := os.WriteFile(known, []byte(srv.KnownHostsLine()+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return p, rec, srv, root
}

// Over SSH: the logs command's lines arrive scrubbed, and its end ends the stream; the
// lock is read on the server.
func TestLogStreamOverSSH(t *testing.T) {
	p, rec, _, root := sshOperateProject(t, `for i in 1 2 3; do echo "line $i $API_TOKEN"; done`)
	// No release yet: the command runs without an env file, so the server's environment
	// has no API_TOKEN; give it one the way a release's env file would.
	os.MkdirAll(filepath.Join(root, "releases", "r1"), 0o755)
	os.MkdirAll(filepath.Join(root, ".eightfold", "env"), 0o755)
	os.WriteFile(filepath.Join(root, ".eightfold", "env", "r1.env"), []byte("export API_TOKEN='tok-sentinel-4242'\n"), 0o600)
	os.Symlink("releases/r1", filepath.Join(root, "current"))

	logs := openLogs(t, p, "staging")
	end := logEnd(t, rec, logs.ID)
	if got := streamText(rec, logs.ID); got != "line 1 ••••\nline 2 ••••\nline 3 ••••\n" || end.Reason != "the logs command ended" {
		t.Fatalf("lines %q, end %+v", got, end)
	}
	os.MkdirAll(filepath.Join(root, ".eightfold", "lock"), 0o755)
	if l, err := p.OperateLock("staging"); err != nil || !l.Held || l.Who != "" {
		t.Errorf("a lock without a holder file, over SSH: %+v, %v", l, err)
	}
}

// A dropped connection ends the stream with an error that says so.
func TestLogStreamConnectionDropped(t *testing.T) {
	p, rec, srv, _ := sshOperateProject(t, `echo started; while true; do echo tick; sleep 0.2; done`)
	logs := openLogs(t, p, "staging")
	waitFor(t, func() bool { return strings.Contains(streamText(rec, logs.ID), "started") })
	srv.KillConnections()
	end := logEnd(t, rec, logs.ID)
	if !end.Failed || !strings.Contains(end.Reason, "the connection to") || !strings.Contains(end.Reason, "reconnect") {
		t.Fatalf("the last batch: %+v", end)
	}
}

// Closing the project ends its log streams.
func TestCloseEndsLogStreams(t *testing.T) {
	p, rec := newProject(t, fmt.Sprintf(operateSteps+"targets:\n  staging:\n    local: true\n    path: %s\n    logs: sleep 60\n", t.TempDir()))
	logs := openLogs(t, p, "staging")
	p.Close()
	if end := logEnd(t, rec, logs.ID); !strings.Contains(end.Reason, "closing") {
		t.Errorf("the last batch: %+v", end)
	}
	if _, err := p.OpenLogs("staging"); err == nil {
		t.Error("a closed project opened a stream")
	}
	var e *Error
	if _, err := p.RestartTarget("staging", false); !errors.As(err, &e) {
		t.Errorf("%v", err)
	}
}
