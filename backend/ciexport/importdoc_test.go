package ciexport

import (
	"os"
	"path"
	"regexp"
	"strings"
	"testing"

	"github.com/bmatcuk/doublestar/v4"

	"eightfold/backend/config"
)

// importRE finds the glob in the downloaded folder and the run name of the import
// examples in docs/cli.md.
var importRE = regexp.MustCompile(`(?m)^eightfold import junit /tmp/[^/ ]+/(\S+) .*--run-name "(GitHub|GitLab): `)

// TestImportExampleFindsTheReports lays out each sample project's test reports as the
// engines hand them out (GitLab: the paths in the repository; GitHub: below the folder
// the uploaded files share) and checks that the glob of the docs' import example takes
// every JUnit file and nothing else.
func TestImportExampleFindsTheReports(t *testing.T) {
	doc, err := os.ReadFile("../../docs/cli.md")
	if err != nil {
		t.Fatal(err)
	}
	globs := map[string]string{}
	for _, m := range importRE.FindAllStringSubmatch(string(doc), -1) {
		globs[m[2]] = m[1]
	}
	if len(globs) != 2 {
		t.Fatalf("found the import examples of %v in docs/cli.md, want GitHub and GitLab", globs)
	}
	for _, pr := range projects {
		cfg, err := config.Load(pr.make(t))
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range newPlan(cfg, facts{}).groups {
			for engine, dir := range map[string]string{"GitLab": gitlabReportDir(g), "GitHub": ReportDir} {
				junit, other := reportFiles(g, dir)
				if len(junit) == 0 {
					continue
				}
				root := ""
				if engine == "GitHub" {
					root = commonDir(append(junit, other...))
				}
				for _, f := range junit {
					if ok, _ := doublestar.Match(globs[engine], strings.TrimPrefix(f, root)); !ok {
						t.Errorf("%s, %s: the example's %s misses %s of the artifact", pr.name, engine, globs[engine], strings.TrimPrefix(f, root))
					}
				}
				for _, f := range other {
					if ok, _ := doublestar.Match(globs[engine], strings.TrimPrefix(f, root)); ok {
						t.Errorf("%s, %s: the example's %s takes %s, which is no JUnit file", pr.name, engine, globs[engine], f)
					}
				}
			}
		}
	}
}

// reportFiles are the files a group's test steps leave where the export uploads them,
// with the converted reports in dir: the JUnit XML, and the raw go test -json beside it.
func reportFiles(g group, dir string) (junit, other []string) {
	for _, s := range g.steps {
		if glob, ok := strings.CutPrefix(s.Report, config.ReportJUnit); ok {
			junit = append(junit, strings.ReplaceAll(glob, "*", "junit"))
		}
		if s.Report == config.ReportGoTestJSON {
			junit, other = append(junit, dir+"/"+s.Name+".xml"), append(other, dir+"/"+s.Name+".json")
		}
	}
	return junit, other
}

// commonDir is the folder all files share, with a trailing slash ("" for the root), where
// actions/upload-artifact roots an artifact.
func commonDir(files []string) string {
	dir := path.Dir(files[0])
	for _, f := range files[1:] {
		for dir != "." && !strings.HasPrefix(f, dir+"/") {
			dir = path.Dir(dir)
		}
	}
	if dir == "." {
		return ""
	}
	return dir + "/"
}
