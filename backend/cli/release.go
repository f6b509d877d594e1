package cli

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/dustin/go-humanize"

	"eightfold/backend/workbench"
)

func cmdRelease(e *env) error {
	fs, c := e.flags("release", "release [--dir D] [--bump major|minor|patch|VERSION] [--dry-run] [--allow-dirty] [--json] [--home DIR]", true)
	var opts workbench.ReleaseOptions
	fs.StringVar(&opts.Bump, "bump", "", "override the version: major, minor, patch or an explicit version such as 2.0.0")
	fs.BoolVar(&opts.DryRun, "dry-run", false, "check and show what would be released; write nothing")
	fs.BoolVar(&opts.AllowDirty, "allow-dirty", false, "release uncommitted changes as VERSION+dirty (never deployable to production)")
	asJSON := fs.Bool("json", false, "print the release as JSON (the ReleaseInfo of docs/api.md)")
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	return onProject(c, func(p *workbench.Project) error {
		r, err := p.Release(opts)
		if err != nil {
			return err
		}
		if *asJSON {
			return writeJSON(e.stdout, r)
		}
		showRelease(e.stdout, r)
		return nil
	})
}

// showRelease prints a release made or, in a dry run, proposed.
func showRelease(w io.Writer, r workbench.ReleaseInfo) {
	verb := "Released"
	if r.DryRun {
		verb = "Would release"
	}
	fmt.Fprintf(w, "%s %s (%s: %s) on %s", verb, r.Tag, r.Bump, r.Reason, shortSHA(r.Commit))
	if r.RunID > 0 {
		fmt.Fprintf(w, ", built and tested by run #%d", r.RunID)
	}
	fmt.Fprintln(w)
	if r.Dirty {
		fmt.Fprintln(w, "  from uncommitted changes: +dirty, never deployable to production")
	}
	for _, a := range r.Artifacts {
		fmt.Fprintf(w, "  artifact %s  %s", a.Path, humanize.IBytes(uint64(a.Size)))
		if a.SHA256 != "" {
			fmt.Fprintf(w, "  sha256 %s", a.SHA256)
		}
		fmt.Fprintln(w)
	}
	if len(r.Cards) > 0 {
		fmt.Fprintf(w, "  cards: %s\n", strings.Join(r.Cards, " "))
	}
	if r.ChangelogCommit != "" {
		fmt.Fprintf(w, "  changelog committed as %s\n", shortSHA(r.ChangelogCommit))
	}
	fmt.Fprintf(w, "\n%s", r.Changelog)
}

func shortSHA(sha string) string { return sha[:min(7, len(sha))] }

func cmdReleases(e *env) error {
	fs, c := e.flags("releases", "releases [--dir D] [--json] [--home DIR]", true)
	asJSON := fs.Bool("json", false, "print the releases as JSON (ReleaseInfo of docs/api.md), newest first")
	if _, err := parse(fs, e.args); err != nil {
		return err
	}
	s, p, err := c.openReader()
	if err != nil {
		return err
	}
	var rs []workbench.ReleaseInfo
	if s != nil {
		defer s.Close()
		if rs, err = p.Releases(); err != nil {
			return err
		}
	}
	if *asJSON {
		return writeJSON(e.stdout, nonNilReleases(rs))
	}
	if len(rs) == 0 {
		fmt.Fprintln(e.stdout, "No releases yet; make one with `eightfold release`.")
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TAG\tCOMMIT\tRUN\tRELEASED\tARTIFACTS\tCARDS")
	for _, r := range rs {
		fmt.Fprintf(tw, "%s\t%s\t#%d\t%s\t%s\t%s\n", r.Tag, shortSHA(r.Commit), r.RunID, r.CreatedAt,
			artifactsSummary(r.Artifacts), strings.Join(r.Cards, " "))
	}
	return tw.Flush()
}

func nonNilReleases(rs []workbench.ReleaseInfo) []workbench.ReleaseInfo {
	if rs == nil {
		return []workbench.ReleaseInfo{}
	}
	return rs
}

func artifactsSummary(as []workbench.ArtifactInfo) string {
	if len(as) == 0 {
		return "-"
	}
	var total int64
	for _, a := range as {
		total += a.Size
	}
	return fmt.Sprintf("%d (%s)", len(as), humanize.IBytes(uint64(total)))
}
