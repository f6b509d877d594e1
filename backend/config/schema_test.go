package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/goccy/go-yaml"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileSchema compiles Schema, which also checks it against the
// draft 2020-12 meta-schema.
func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(Schema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("eightfold.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("eightfold.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// schemaAccepts validates YAML source against the schema, the way an
// editor sees it: as the JSON the YAML stands for.
func schemaAccepts(t *testing.T, sch *jsonschema.Schema, src []byte) (bool, error) {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(src, &v); err != nil {
		return false, err
	}
	js, err := json.Marshal(v)
	if err != nil {
		return false, err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(js))
	if err != nil {
		return false, err
	}
	err = sch.Validate(inst)
	return err == nil, err
}

func TestSchemaAgreesWithLoader(t *testing.T) {
	sch := compileSchema(t)
	for _, verdict := range []string{"valid", "invalid"} {
		files, err := filepath.Glob(filepath.Join("testdata", "schema", verdict, "*.yaml"))
		if err != nil || len(files) < 5 {
			t.Fatalf("samples in testdata/schema/%s: %v, %v", verdict, files, err)
		}
		for _, file := range files {
			t.Run(verdict+"/"+filepath.Base(file), func(t *testing.T) {
				src, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				checkVerdicts(t, sch, src, verdict == "valid")
			})
		}
	}
	for _, tc := range badConfigs {
		t.Run("bad/"+tc.name, func(t *testing.T) {
			var v any
			if tc.loaderOnly || yaml.Unmarshal([]byte(tc.src), &v) != nil || v == nil {
				t.Skip("not a JSON Schema matter: YAML syntax, an empty file or a loader-only rule")
			}
			checkVerdicts(t, sch, []byte(tc.src), false)
		})
	}
}

// checkVerdicts asserts that the loader and the schema both take src as valid, or both reject it.
func checkVerdicts(t *testing.T, sch *jsonschema.Schema, src []byte, valid bool) {
	t.Helper()
	_, loadErr := Parse("eightfold.yaml", src)
	if (loadErr == nil) != valid {
		t.Errorf("loader: valid = %v, want %v (%v)", loadErr == nil, valid, loadErr)
	}
	ok, schemaErr := schemaAccepts(t, sch, src)
	if ok != valid {
		t.Errorf("schema: valid = %v, want %v (%v)", ok, valid, schemaErr)
	}
}

// schemaDoc is the schema decoded for inspection.
func schemaDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(Schema, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// at follows keys (object keys, or list indexes as ints) into a decoded JSON document.
func at(t *testing.T, v any, keys ...any) any {
	t.Helper()
	for _, k := range keys {
		switch k := k.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				t.Fatalf("schema: no item %d in %v", k, l)
			}
			v = l[k]
		}
		if v == nil {
			t.Fatalf("schema: nothing at %v", keys)
		}
	}
	return v
}

func TestSchemaKnowsEveryKey(t *testing.T) {
	doc := schemaDoc(t)
	tests := []struct {
		name  string
		props any
		keys  []string
	}{
		{"top level", at(t, doc, "properties"), topKeys},
		{"step", at(t, doc, "$defs", "step", "properties"), stepKeys},
		{"watch", at(t, doc, "$defs", "watch", "properties"), watchKeys},
		{"release", at(t, doc, "$defs", "release", "properties"), releaseKeys},
		{"target", at(t, doc, "$defs", "target", "properties"), targetKeys},
		{"health", at(t, doc, "$defs", "health", "properties"), healthKeys},
		{"health json", at(t, doc, "$defs", "healthJSON", "properties"), healthJSONKeys},
		{"check", at(t, doc, "$defs", "check", "properties"), checkKeys},
		{"monitor", at(t, doc, "$defs", "monitor", "properties"), monitorKeys},
		{"retention", at(t, doc, "$defs", "retention", "properties"), retentionKeys},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := slices.Sorted(maps.Keys(tc.props.(map[string]any)))
			if want := slices.Sorted(slices.Values(tc.keys)); !slices.Equal(got, want) {
				t.Errorf("schema keys %v, loader keys %v", got, want)
			}
		})
	}
}

func TestSchemaDescribesEveryProperty(t *testing.T) {
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if props, ok := v["properties"].(map[string]any); ok {
				for name, p := range props {
					if d, _ := p.(map[string]any)["description"].(string); strings.TrimSpace(d) == "" {
						t.Errorf("%s.properties.%s has no description", path, name)
					}
				}
			}
			for k, child := range v {
				walk(path+"."+k, child)
			}
		case []any:
			for i, child := range v {
				walk(fmt.Sprintf("%s[%d]", path, i), child)
			}
		}
	}
	walk("$", schemaDoc(t))
}

func TestSchemaPatternsMatchLoader(t *testing.T) {
	doc := schemaDoc(t)
	step := at(t, doc, "$defs", "step", "properties")
	tests := []struct {
		name string
		got  any
		want string
	}{
		{"step name", at(t, step, "name", "pattern"), namePattern},
		{"run", at(t, step, "run", "pattern"), runPattern},
		{"step group", at(t, step, "group", "pattern"), groupPattern},
		{"env name", at(t, doc, "$defs", "env", "propertyNames", "pattern"), envNamePattern},
		{"duration", at(t, doc, "$defs", "duration", "pattern"), durationPattern},
		{"size", at(t, doc, "$defs", "size", "oneOf", 1, "pattern"), sizePattern},
		{"path escaping the repository", at(t, doc, "$defs", "relativePath", "not", "anyOf", 1, "pattern"), escapePattern},
		{"empty ignore pattern", at(t, doc, "$defs", "ignorePattern", "not", "anyOf", 0, "pattern"), ignoreEmptyPattern},
		{"ignore comment", at(t, doc, "$defs", "ignorePattern", "not", "anyOf", 1, "pattern"), ignoreCommentPattern},
		{"ignore pattern escaping the repository", at(t, doc, "$defs", "ignorePattern", "not", "anyOf", 2, "pattern"), ignoreEscapePattern},
		{"debounce below the minimum", at(t, doc, "$defs", "watch", "properties", "debounce", "not", "pattern"), belowMinDebouncePattern},
		{"poll below the minimum", at(t, doc, "$defs", "watch", "properties", "poll", "not", "pattern"), belowMinPollPattern},
		{"initial version", at(t, doc, "$defs", "release", "properties", "initial", "pattern"), semverPattern},
		{"changelog directory", at(t, doc, "$defs", "release", "properties", "changelog_file", "not", "anyOf", 0, "pattern"), changelogDirPattern},
		{"changelog inside .git", at(t, doc, "$defs", "release", "properties", "changelog_file", "not", "anyOf", 1, "pattern"), changelogGitPattern},
		{"skip type", at(t, doc, "$defs", "release", "properties", "skip_types", "items", "pattern"), commitTypePattern},
		{"target name", at(t, doc, "$defs", "targets", "propertyNames", "pattern"), targetNamePattern},
		{"promote_from", at(t, doc, "$defs", "target", "properties", "promote_from", "pattern"), targetNamePattern},
		{"ssh", at(t, doc, "$defs", "target", "properties", "ssh", "pattern"), sshPattern},
		{"jump", at(t, doc, "$defs", "target", "properties", "jump", "pattern"), sshPattern},
		{"path with ~", at(t, doc, "$defs", "target", "properties", "path", "not", "pattern"), homePattern},
		{"ssh path", at(t, doc, "$defs", "target", "oneOf", 0, "properties", "path", "pattern"), "^/"},
		{"secret name", at(t, doc, "$defs", "target", "properties", "secrets", "items", "pattern"), secretNamePattern},
		{"target command", at(t, doc, "$defs", "target", "properties", "start", "pattern"), runPattern},
		{"health url", at(t, doc, "$defs", "health", "properties", "url", "pattern"), healthURLPattern},
		{"json field", at(t, doc, "$defs", "healthJSON", "properties", "field", "pattern"), jsonFieldPattern},
		{"check name", at(t, doc, "$defs", "checks", "propertyNames", "pattern"), targetNamePattern},
		{"check interval below the minimum", at(t, doc, "$defs", "check", "properties", "interval", "not", "pattern"), belowOneSecondPattern},
		{"monitor interval below the minimum", at(t, doc, "$defs", "monitor", "properties", "interval", "not", "pattern"), belowOneSecondPattern},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.got != tc.want {
				t.Errorf("schema pattern %q, loader pattern %q", tc.got, tc.want)
			}
		})
	}
}

// TestSchemaRefusesTheLoadersGroupNames: the group names the schema's not refuses are the
// loader's, and its description names each.
func TestSchemaRefusesTheLoadersGroupNames(t *testing.T) {
	group := at(t, schemaDoc(t), "$defs", "step", "properties", "group")
	var yamlWords []string
	for w := range yaml11Words {
		if groupRE.MatchString(w) {
			yamlWords = append(yamlWords, w)
		}
	}
	for name, tc := range map[string]struct {
		got  any
		want []string
	}{
		"reserved": {at(t, group, "not", "anyOf", 0, "enum"), reservedGroups},
		"YAML 1.1": {at(t, group, "not", "anyOf", 2, "enum"), yamlWords},
	} {
		got, want := slices.Sorted(slices.Values(toStrings(tc.got))), slices.Sorted(slices.Values(tc.want))
		if !slices.Equal(got, want) {
			t.Errorf("%s group names: schema %v, loader %v", name, got, want)
		}
		description := at(t, group, "description").(string)
		for _, w := range want {
			if !regexp.MustCompile(`\b` + w + `\b`).MatchString(description) {
				t.Errorf("the description of group does not name %s, which is refused: %s", w, description)
			}
		}
	}
	if got := at(t, group, "not", "anyOf", 1, "pattern"); got != "^deploy-" {
		t.Errorf("schema refuses group names matching %v, want ^deploy- as the loader", got)
	}
}

func TestSchemaDefaultsMatchLoader(t *testing.T) {
	doc := schemaDoc(t)
	timeout, err := time.ParseDuration(at(t, doc, "$defs", "step", "properties", "timeout", "default").(string))
	if err != nil || timeout != DefaultTimeout {
		t.Errorf("schema timeout default %v (%v), loader %v", timeout, err, DefaultTimeout)
	}
	limit, err := humanize.ParseBytes(at(t, doc, "properties", "log_limit", "default").(string))
	if err != nil || limit != DefaultLogLimit {
		t.Errorf("schema log_limit default %v (%v), loader %v", limit, err, DefaultLogLimit)
	}

	watch := at(t, doc, "$defs", "watch", "properties")
	def := DefaultWatch()
	for key, want := range map[string]time.Duration{"debounce": def.Debounce, "max_wait": def.MaxWait} {
		got, err := time.ParseDuration(at(t, watch, key, "default").(string))
		if err != nil || got != want {
			t.Errorf("schema watch.%s default %v (%v), loader %v", key, got, err, want)
		}
	}
	if got := at(t, watch, "on_change_while_running", "default"); got != def.OnChange {
		t.Errorf("schema on_change_while_running default %v, loader %v", got, def.OnChange)
	}
	if got := at(t, watch, "on_change_while_running", "enum"); !slices.Equal(toStrings(got), onChangeValues) {
		t.Errorf("schema on_change_while_running values %v, loader %v", got, onChangeValues)
	}
	for key, want := range map[string]bool{"affected": def.Affected, "auto": def.Auto} {
		if got := at(t, watch, key, "default"); got != want {
			t.Errorf("schema watch.%s default %v, loader %v", key, got, want)
		}
	}
	if _, ok := watch.(map[string]any)["poll"].(map[string]any)["default"]; ok || def.Poll != 0 {
		t.Errorf("watch.poll: want no default in the schema and polling off in the loader (%v)", def.Poll)
	}

	target := at(t, doc, "$defs", "target", "properties")
	if got := at(t, target, "keep", "default"); got != float64(DefaultKeep) {
		t.Errorf("schema keep default %v, loader %v", got, DefaultKeep)
	}
	if got := at(t, target, "keep", "minimum"); got != float64(MinKeep) {
		t.Errorf("schema keep minimum %v, loader %v", got, MinKeep)
	}
	healthProps := at(t, doc, "$defs", "health", "properties")
	if got := at(t, healthProps, "status", "default"); got != float64(DefaultHealthStatus) {
		t.Errorf("schema health.status default %v, loader %v", got, DefaultHealthStatus)
	}
	for key, want := range map[string]time.Duration{"timeout": DefaultHealthTimeout, "interval": DefaultHealthInterval, "deadline": DefaultHealthDeadline} {
		got, err := time.ParseDuration(at(t, healthProps, key, "default").(string))
		if err != nil || got != want {
			t.Errorf("schema health.%s default %v (%v), loader %v", key, got, err, want)
		}
	}

	threshold := at(t, doc, "$defs", "threshold")
	if at(t, threshold, "minimum") != float64(1) || at(t, threshold, "maximum") != float64(MaxThreshold) {
		t.Errorf("schema thresholds %v to %v, loader 1 to %d", at(t, threshold, "minimum"), at(t, threshold, "maximum"), MaxThreshold)
	}
	mon, check := DefaultMonitor(), at(t, doc, "$defs", "check", "properties")
	monitor := at(t, doc, "$defs", "monitor", "properties")
	retention := at(t, doc, "$defs", "retention", "properties")
	for name, tc := range map[string]struct {
		props any
		key   string
		want  time.Duration
	}{
		"check interval":   {check, "interval", DefaultCheckInterval},
		"monitor interval": {monitor, "interval", mon.Interval},
		"retention raw":    {retention, "raw", mon.Retention.Raw},
		"retention hourly": {retention, "hourly", mon.Retention.Hourly},
	} {
		got, err := time.ParseDuration(at(t, tc.props, tc.key, "default").(string))
		if err != nil || got != tc.want {
			t.Errorf("schema %s default %v (%v), loader %v", name, got, err, tc.want)
		}
	}
	for name, tc := range map[string]struct {
		got  any
		want int
	}{
		"check failure_threshold":   {at(t, check, "failure_threshold", "default"), DefaultFailureThreshold},
		"check success_threshold":   {at(t, check, "success_threshold", "default"), DefaultSuccessThreshold},
		"monitor failure_threshold": {at(t, monitor, "failure_threshold", "default"), mon.FailureThreshold},
		"monitor success_threshold": {at(t, monitor, "success_threshold", "default"), mon.SuccessThreshold},
	} {
		if tc.got != float64(tc.want) {
			t.Errorf("schema %s default %v, loader %v", name, tc.got, tc.want)
		}
	}
	if got, ok := at(t, monitor, "auto_cards").(map[string]any)["default"]; !ok || got != mon.AutoCards {
		t.Errorf("schema monitor.auto_cards default %v, loader %v", got, mon.AutoCards)
	}

	release := at(t, doc, "$defs", "release", "properties")
	if got := at(t, release, "initial", "default"); got != DefaultInitial {
		t.Errorf("schema release.initial default %v, loader %v", got, DefaultInitial)
	}
	if got := at(t, release, "skip_types", "default"); !slices.Equal(toStrings(got), DefaultSkipTypes) {
		t.Errorf("schema release.skip_types default %v, loader %v", got, DefaultSkipTypes)
	}
	for _, key := range []string{"include_merges", "breaking_bumps_major", "features_bump_minor"} {
		if got := at(t, release, key, "default"); got != false {
			t.Errorf("schema release.%s default %v, loader false", key, got)
		}
	}
}

// The schema's version pattern and the loader agree on initial versions.
func TestSchemaVersionsMatchLoader(t *testing.T) {
	sch := compileSchema(t)
	for _, v := range []string{"0.1.0", "v1.0.0", "0.0.0", "1.2.3-rc.1", "1.2.3-alpha-1.0a", "1.0.0+build.7", "1.0.0-0.3.7+x.y",
		"1.0", "1", "01.2.3", "1.02.3", "1.2.3-", "1.2.3+", "1.2.3-01", "1.2.3-a..b", "V1.2.3", "vv1.2.3", " 1.2.3", "1.2.3.4", "latest"} {
		t.Run(v, func(t *testing.T) {
			_, loadErr := Parse("eightfold.yaml", []byte("steps: [{name: a, run: b}]\nrelease: {initial: "+strconv.Quote(v)+"}\n"))
			ok, schemaErr := schemaAccepts(t, sch, []byte("steps: [{name: a, run: b}]\nrelease: {initial: "+strconv.Quote(v)+"}\n"))
			if ok != (loadErr == nil) {
				t.Errorf("schema valid = %v (%v), loader: %v", ok, schemaErr, loadErr)
			}
		})
	}
}

// toStrings converts a decoded JSON list of strings.
func toStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

// The schema's below-the-minimum patterns are partial, so they must be
// sound: every duration they reject is one the loader rejects too. This
// checks it on every value of one ns, us, µs, μs or ms term up to 9999.9,
// and that the usual too-short values are caught.
func TestSchemaMinimumsAreSound(t *testing.T) {
	tests := []struct {
		key     string
		pattern string
		min     time.Duration
		caught  []string
	}{
		{"debounce", belowMinDebouncePattern, MinDebounce, []string{"1ms", "2ms", "4ms", "4.9ms", ".5ms", "0.5ms", "999us", "500µs", "10ns"}},
		{"poll", belowMinPollPattern, MinPoll, []string{"1ms", "10ms", "50ms", "99ms", "99.9ms", ".5ms", "999us"}},
		{"monitor interval", belowOneSecondPattern, MinMonitorInterval, []string{"1ms", "500ms", "999ms", "999.9ms", "0.5s", ".5s", "0s", "999999us", "10ns"}},
	}
	for _, tc := range tests {
		t.Run(tc.key, func(t *testing.T) {
			re := regexp.MustCompile(tc.pattern)
			for n := range 10000 {
				for _, num := range []string{strconv.Itoa(n), strconv.Itoa(n) + ".", strconv.Itoa(n) + ".9", strconv.Itoa(n) + ".99", "." + strconv.Itoa(n)} {
					for _, unit := range []string{"ns", "us", "µs", "μs", "ms", "s"} {
						s := num + unit
						d, err := time.ParseDuration(s)
						if re.MatchString(s) && (err != nil || d >= tc.min) {
							t.Fatalf("schema rejects %s (%v, %v) as below %v", s, d, err, tc.min)
						}
					}
				}
			}
			for _, s := range tc.caught {
				if !re.MatchString(s) {
					t.Errorf("schema accepts %s for %s", s, tc.key)
				}
			}
		})
	}
}
