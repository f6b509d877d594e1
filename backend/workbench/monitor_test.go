package workbench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"eightfold/backend/monitor"
	"eightfold/backend/store"
)

// The monitor runs the config's checks: a server flipped to broken opens an incident after
// the failure threshold, flipped back resolves it; results are stored and Checks shows them.
func TestMonitorOpensAndResolvesIncidents(t *testing.T) {
	var broken atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if broken.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	}))
	defer srv.Close()
	yaml := fmt.Sprintf("steps: [{name: a, run: 'true'}]\nchecks:\n  api: {url: %q, interval: 1s, failure_threshold: 2, success_threshold: 1}\n", srv.URL+"/healthz")
	p, rec := newProject(t, yaml)
	stop := p.MonitorInBackground()
	defer stop()
	state := func(want string) func() bool {
		return func() bool {
			for _, e := range rec.snapshot() {
				if c, ok := e.payload.(CheckInfo); ok && e.topic == TopicCheckUpdated && c.State == want {
					return true
				}
			}
			return false
		}
	}
	waitFor(t, state("UP"))
	broken.Store(true)
	waitFor(t, state("DOWN"))
	ctx := context.Background()
	ins, err := p.store.Incidents(ctx, p.id, 0, 0)
	if err != nil || len(ins) != 1 || ins[0].ResolvedMs != 0 || ins[0].Kind != store.IncidentCheckDown || !strings.Contains(ins[0].Title, "check:api is DOWN: status 503") {
		t.Fatalf("incidents %+v, %v", ins, err)
	}
	broken.Store(false)
	waitFor(t, func() bool {
		ins, _ := p.store.Incidents(ctx, p.id, 0, 0)
		return len(ins) == 1 && ins[0].ResolvedMs > 0
	})
	var infos []CheckInfo
	waitFor(t, func() bool { // the results are written once a second
		infos, err = p.Checks()
		return err == nil && len(infos) == 1 && infos[0].Uptime7 > 0 && infos[0].Uptime7 < 1
	})
	if err != nil || len(infos) != 1 || infos[0].Name != "check:api" || infos[0].State != "UP" || infos[0].Uptime7 <= 0 || infos[0].Uptime7 >= 1 {
		t.Fatalf("checks %+v, %v", infos, err)
	}
}

// A check that was not probed yet has a state but no time it has been in it.
func TestCheckInfoOfACheckNotProbedYet(t *testing.T) {
	info := checkInfo("target:staging", "http://127.0.0.1:1/", monitor.Status{State: monitor.Pending})
	if info.State != "PENDING" || info.Since != "" {
		t.Errorf("checkInfo = %+v, want PENDING with no since", info)
	}
}

// A target stopped from the Operate view going DOWN opens no incident; one going DOWN while a
// deploy to it is going is put on that deploy, not on the one before.
func TestDownDuringAStopOrADeploy(t *testing.T) {
	p, _ := newProject(t, "steps:\n  - {name: build, run: \"true\"}\n")
	ctx := context.Background()
	sink := &monitorSink{p: p, ids: map[string]int64{}}
	check := monitor.Check{Name: "target:staging"}
	id, err := sink.checkID(ctx, check)
	if err != nil {
		t.Fatal(err)
	}
	down := monitor.Transition{To: monitor.Down, At: p.now(), Reason: "status 502"}
	p.targets.setStopped("staging", true)
	sink.transition(ctx, check, id, down)
	if in, open, _ := p.store.OpenIncidentOf(ctx, id); open {
		t.Fatalf("a deliberate stop opened incident %+v", in)
	}

	before, err := p.store.CreateDeploy(ctx, store.Deploy{ProjectID: p.id, Target: "staging", Kind: "deploy", StartedMs: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.store.UpdateDeploy(ctx, store.Deploy{ID: before, Status: store.DeploySucceeded, Steps: "[]", Warnings: "[]", FinishedMs: 2}); err != nil {
		t.Fatal(err)
	}
	going, err := p.store.CreateDeploy(ctx, store.Deploy{ProjectID: p.id, Target: "staging", Kind: "deploy", StartedMs: 3})
	if err != nil {
		t.Fatal(err)
	}
	p.targets.setStopped("staging", false) // the deploy starts it again
	ended := p.targets.deployStarted("staging", going)
	sink.transition(ctx, check, id, down)
	ended()
	in, open, err := p.store.OpenIncidentOf(ctx, id)
	if err != nil || !open || in.DeployID != going {
		t.Errorf("incident = %+v (open %v, %v); want one on the deploy going, %d, not %d", in, open, err, going, before)
	}
}
