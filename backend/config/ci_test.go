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
	if cfg.CI.Install != "go install example.com/eightfold@v1.0.0" {
		t.Errorf("ci.install = %q", cfg.CI.Install)
	}
	for src, want := range map[string]string{
		"ci:\n  instal: x\n":      `eightfold.yaml:4:3: ci: unknown key "instal" (did you mean "install"?); allowed keys: install`,
		"ci:\n  install: \" \"\n": "eightfold.yaml:4:12: ci.install: the command is empty",
		"ci: [install]\n":         "eightfold.yaml:3:5: ci: expected a mapping with install",
	} {
		_, err := Parse("eightfold.yaml", []byte("steps:\n  - {name: b, run: make}\n"+src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
}
