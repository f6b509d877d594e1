package workbench

import (
	"fmt"

	"eightfold/backend/affected"
	"eightfold/backend/config"
	"eightfold/backend/runner"
	"eightfold/backend/testreport"
)

// attempt runs a step's command, then reruns of its failed Go tests when it has retries,
// each with its test report read into the store.
type attempt struct {
	p      *Project
	pl     *plan
	runID  int64
	stepID int64
	step   config.Step
	spec   runner.Spec
	out    func(runner.Chunk) // the step's log and reporter

	logBytes  int64 // output of every attempt
	truncated bool
}

// runWithRetries runs the step and, while Go tests fail and retries are left, reruns just
// those tests with base (the step's command as configured) narrowed to them. A test that
// passes on a rerun is recorded as passed after more than one attempt: flaky.
func (a *attempt) runWithRetries(base string) (runner.Result, error) {
	res, coll, err := a.run(1, nil)
	for n := 1; n <= a.step.Retries && res.Status == runner.Failed && err == nil; n++ {
		failed, ok := coll.retryable()
		if !ok {
			break
		}
		cmd, ok := affected.RetryCommand(base, failed)
		if !ok {
			a.note("retries: cannot rerun single tests of %q (retries need a plain go test ... ./... command); not retried", base)
			break
		}
		a.note("retry %d of %d: rerunning %s: %s", n, a.step.Retries, countTests(failed), cmd)
		a.spec.Command, a.spec.OnStart = cmd, nil
		res, coll, err = a.run(n+1, onlyThese(failed))
	}
	return res, err
}

// run runs the current command once as attempt n, keeping the cases accept allows. A step
// without a test report runs plainly: no parser, no collector (nil).
func (a *attempt) run(n int, accept func(testreport.Case) bool) (runner.Result, *testCollector, error) {
	if a.step.Report == "" {
		res := runner.Run(a.pl.ctx, a.spec, a.out)
		a.count(res)
		return res, nil, nil
	}
	coll := newTestCollector(a.p, a.runID, a.stepID, n, accept)
	report := newStepReport(a.p.dir, a.step, coll)
	spec := a.spec
	spec.Filter = report.filter
	started := a.p.now()
	res := runner.Run(a.pl.ctx, spec, a.out)
	tail, notes := report.finish(started)
	if tail != "" {
		a.out(runner.Chunk{Stream: runner.Stdout, Time: a.p.now(), Data: []byte(tail)})
	}
	for _, msg := range notes {
		a.note("%s", msg)
	}
	a.count(res)
	return res, coll, coll.Close()
}

// count adds an attempt's output to the step's.
func (a *attempt) count(res runner.Result) {
	a.logBytes += res.OutputBytes
	a.truncated = a.truncated || res.Truncated
}

// note writes a line from eightfold into the step's log.
func (a *attempt) note(format string, args ...any) {
	msg := "[eightfold] " + fmt.Sprintf(format, args...) + "\n"
	a.out(runner.Chunk{Stream: runner.Meta, Time: a.p.now(), Data: []byte(msg)})
}

// onlyThese accepts the cases of the failed tests only.
func onlyThese(failed map[string][]string) func(testreport.Case) bool {
	set := map[[2]string]bool{}
	for pkg, names := range failed {
		for _, n := range names {
			set[[2]string{pkg, n}] = true
		}
	}
	return func(c testreport.Case) bool { return set[[2]string{c.Suite, c.Name}] }
}

func countTests(failed map[string][]string) string {
	n := 0
	for _, names := range failed {
		n += len(names)
	}
	if n == 1 {
		return "1 failed test"
	}
	return fmt.Sprintf("%d failed tests", n)
}
