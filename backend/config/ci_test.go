package config

import (
	"strings"
	"testing"
)

func TestCISection(t *testing.T) {
	cfg, err := Parse("eightfold.yaml", []byte("steps:\n  - {name: b, run: make}\nci:\n  install: go install example.com/eightfold@v1.0.0\n"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.CI.Install != "go install example.com/eightfold@v1.0.0" || cfg.CI.Branch != "" {
		t.Errorf("ci = %+v", cfg.CI)
	}
	cfg, err = Parse("eightfold.yaml", []byte("steps:\n  - {name: b, run: make}\nci:\n  branch: release/1.x\n"))
	if err != nil || cfg.CI.Branch != "release/1.x" {
		t.Errorf("ci.branch: %+v, %v", cfg.CI, err)
	}
	for src, want := range map[string]string{
		"ci:\n  instal: x\n":      `eightfold.yaml:4:3: ci: unknown key "instal" (did you mean "install"?); allowed keys: install, branch`,
		"ci:\n  install: \" \"\n": "eightfold.yaml:4:12: ci.install: the command is empty",
		"ci: [install]\n":         "eightfold.yaml:3:5: ci: expected a mapping with install",
		"ci:\n  branch: a..b\n":   `eightfold.yaml:4:11: ci.branch: "a..b" is not a branch name`,
		"ci:\n  branch: -x\n":     `ci.branch: "-x" is not a branch name`,
		"ci:\n  branch: 7\n":      "ci.branch: expected a branch name",
	} {
		_, err := Parse("eightfold.yaml", []byte("steps:\n  - {name: b, run: make}\n"+src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
}
