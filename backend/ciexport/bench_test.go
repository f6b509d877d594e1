package ciexport

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkExport20Steps renders a 20-step pipeline with two targets for each engine (the
// figure in docs/benchmarks.md).
func BenchmarkExport20Steps(b *testing.B) {
	var cfg strings.Builder
	cfg.WriteString("steps:\n")
	for i := range 20 {
		fmt.Fprintf(&cfg, "  - name: step%d\n    run: go test -json ./pkg%d/...\n", i, i)
		if i%4 == 0 {
			fmt.Fprintf(&cfg, "    report: junit:reports/%d.xml\n    artifacts: [bin/app%d]\n", i, i)
		}
	}
	cfg.WriteString("targets:\n  staging: {ssh: deploy@203.0.113.10, path: /srv/app}\n  production: {ssh: deploy@203.0.113.20, path: /srv/app, promote_from: staging}\n")
	pr := project{files: map[string]string{"go.mod": goMod, "go.sum": "", "package.json": "{}\n", "eightfold.yaml": cfg.String()}}
	dir := pr.make(b)
	for _, e := range Engines {
		b.Run(string(e), func(b *testing.B) {
			for b.Loop() {
				if _, err := Render(dir, e); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
