package config

import (
	"fmt"
	"strconv"
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

func TestStepGroups(t *testing.T) {
	cfg, err := Parse("eightfold.yaml", []byte("steps:\n"+
		"  - {name: deps, run: go mod download, group: build}\n"+
		"  - {name: compile, run: go build ./..., group: build}\n"+
		"  - {name: lint, run: go vet ./...}\n"+
		"  - {name: unit, run: go test ./..., group: unit-tests}\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range cfg.Steps {
		got = append(got, s.Name+"="+s.Group)
	}
	if want := "deps=build compile=build lint= unit=unit-tests"; strings.Join(got, " ") != want {
		t.Errorf("groups %q, want %q", strings.Join(got, " "), want)
	}
	for src, want := range map[string]string{
		"  - {name: a, run: make, group: Build}\n":                                                                     `eightfold.yaml:2:33: steps[0].group: "Build" is not a CI job name the exported files can hold; start with a lowercase letter`,
		"  - {name: a, run: make, group: 7}\n":                                                                         "steps[0].group: expected a CI job name (a string)",
		"  - {name: a, run: make, group: stages}\n":                                                                    `steps[0].group: "stages" is taken in the exported files (by GitLab CI's keywords or by the deploy jobs); choose another name, such as stages-steps`,
		"  - {name: a, run: make, group: deploy-staging}\n":                                                            `steps[0].group: "deploy-staging" is taken`,
		"  - {name: a, run: make, group: deploy}\n":                                                                    `steps[0].group: "deploy" is taken`,
		"  - {name: a, run: make, group: build}\n  - {name: b, run: make}\n  - {name: c, run: make, group: build}\n":   `eightfold.yaml:4:33: steps[2].group: the steps of group "build" must follow one another, since the group is one CI job: it is used at line 2, column 33, then steps[1] (b) is not in it; move this step up after steps[0], or give it another group`,
		"  - {name: a, run: make, group: x}\n  - {name: b, run: make, group: y}\n  - {name: c, run: make, group: x}\n": `steps[2].group: the steps of group "x" must follow one another`,
		"  - {name: a, run: make, group: x}\n  - {run: make}\n  - {name: c, run: make, group: x}\n":                    `it is used at line 2, column 33, then steps[1] is not in it; move this step up after steps[0]`,
	} {
		_, err := Parse("eightfold.yaml", []byte("steps:\n"+src))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", src, err, want)
		}
	}
}

// TestGroupsYAMLReadsAsBooleans: a group YAML 1.1 reads as a boolean or null (GitLab CI's
// parser does) is refused, in any case, saying what it would be read as.
func TestGroupsYAMLReadsAsBooleans(t *testing.T) {
	for group, reads := range map[string]string{"on": "true", "off": "false", "yes": "true", "no": "false", "y": "true", "n": "false",
		`"true"`: "true", `"false"`: "false", `"null"`: "null", `"~"`: "null", "Yes": "true", "OFF": "false", "N": "false", `"NULL"`: "null"} {
		_, err := Parse("eightfold.yaml", []byte("steps:\n  - {name: a, run: make, group: "+group+"}\n"))
		want := fmt.Sprintf("eightfold.yaml:2:33: steps[0].group: %s cannot name a CI job: YAML 1.1 parsers (GitLab CI's among them, but for y and n) read it as %s, not as the text %s; choose another name",
			strconv.Quote(strings.Trim(group, `"`)), reads, strconv.Quote(strings.Trim(group, `"`)))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("group %s: error %v, want %q", group, err, want)
		}
	}
	for _, group := range []string{"only", "yesterday", "nope", "onboard", "n1"} {
		if _, err := Parse("eightfold.yaml", []byte("steps:\n  - {name: a, run: make, group: "+group+"}\n")); err != nil {
			t.Errorf("group %s: %v", group, err)
		}
	}
}
