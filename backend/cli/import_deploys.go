package cli

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"eightfold/backend/store"
	"eightfold/backend/workbench"
)

// cmdImportDeploys records the deploys that CI jobs and other people made, from the targets'
// audit logs: `eightfold import deploys [TARGET...]`.
func cmdImportDeploys(e *env) error {
	fs, c := e.flags("import deploys", "import deploys [TARGET...] [--trust-host-key SHA256:…] [--json] [--dir D] [--home DIR]", true)
	asJSON := fs.Bool("json", false, "print what was recorded, target by target, as JSON")
	trustKey := fs.String("trust-host-key", "", "trust the server's host key of the one TARGET named when it has this fingerprint (SHA256:…, as the refusal printed it)")
	targets, err := parse(fs, e.args)
	if err != nil {
		return err
	}
	if *trustKey != "" && len(targets) != 1 {
		return &usageError{"--trust-host-key trusts the key of one target: name it, e.g. `eightfold import deploys staging --trust-host-key SHA256:…`"}
	}
	p, err := c.openWriter(nil)
	if locked := (*store.LockedError)(nil); errors.As(err, &locked) {
		return fmt.Errorf("%w. Close the window (or stop `eightfold serve`) and import again", err)
	}
	if err != nil {
		return err
	}
	defer p.Close()
	if *trustKey != "" {
		if err := p.TrustHostKey(targets[0], *trustKey); err != nil {
			return err
		}
		fmt.Fprintf(e.stderr, "Trusted the host key %s of %s.\n", *trustKey, targets[0])
	}
	ctx, stop := untilStopped()
	defer stop()
	res, err := p.SyncDeploys(ctx, targets)
	if err != nil {
		return err
	}
	if *asJSON {
		err = writeJSON(e.stdout, res)
	} else {
		printSynced(e.stdout, e.stderr, res)
	}
	for _, r := range res {
		if r.Failure != "" && err == nil {
			err = &exitError{1}
		}
	}
	return err
}

// printSynced says what was recorded per target, the lines skipped and the targets that
// could not be read.
func printSynced(w, warn io.Writer, res []workbench.DeploySync) {
	for _, r := range res {
		for _, s := range r.Skipped {
			fmt.Fprintf(warn, "warning: %s\n", s)
		}
		if r.Failure != "" {
			fmt.Fprintf(w, "%s: nothing recorded: %s\n", r.Target, r.Failure)
			if r.HostKey != "" {
				fmt.Fprintf(w, "  check the key, then import again trusting it: eightfold import deploys %s --trust-host-key %s\n", r.Target, r.HostKey)
			}
			continue
		}
		fmt.Fprintf(w, "%s: %s recorded, %d known already\n", r.Target, count(len(r.Recorded), "deploy"), r.Known)
		for _, d := range r.Recorded {
			line := fmt.Sprintf("  #%d %s of %s by %s, %s at %s", d.ID, d.Kind, d.Version, d.Who, d.Status, d.FinishedAt)
			if d.Failure != "" {
				reason, _, _ := strings.Cut(d.Failure, "\n")
				line += ": " + reason
			}
			fmt.Fprintln(w, line)
		}
	}
}
