package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"eightfold/backend/config"
)

// TestReferenceUpToDate fails while docs/config-reference.md is not what the generator
// writes from the schema now: a schema change without regenerating the reference.
func TestReferenceUpToDate(t *testing.T) {
	want, err := render(config.Schema)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile("../../" + referencePath)
	if err != nil {
		t.Fatalf("%v: run `go run ./build/configdoc` from the repository root to write it", err)
	}
	if !bytes.Equal(got, want) {
		line, gotLine, wantLine := firstDiff(got, want)
		t.Fatalf("%s is out of date with backend/config/eightfold.schema.json (line %d is\n\t%q\nand should be\n\t%q): "+
			"run `go run ./build/configdoc` from the repository root and commit the result", referencePath, line, gotLine, wantLine)
	}
}

// firstDiff is the first line (1-based) where a and b differ, and that line in each.
func firstDiff(a, b []byte) (int, string, string) {
	al, bl := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := range max(len(al), len(bl)) {
		x, y := lineAt(al, i), lineAt(bl, i)
		if x != y {
			return i + 1, x, y
		}
	}
	return 0, "", ""
}

func lineAt(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(end of file)"
}

// TestEveryKeyHasARow walks the real schema: every key of every object must have its row.
func TestEveryKeyHasARow(t *testing.T) {
	out, err := render(config.Schema)
	if err != nil {
		t.Fatal(err)
	}
	var root any
	if err := json.Unmarshal(config.Schema, &root); err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	collectKeys(root, keys)
	if len(keys) < 50 {
		t.Fatalf("found only %d keys in the schema: the walk is broken", len(keys))
	}
	for k := range keys {
		if !bytes.Contains(out, []byte("| `"+k+"` |")) {
			t.Errorf("the key %s has no row in the reference", k)
		}
	}
}

// collectKeys adds the names under every "properties" of v, but those of oneOf branches,
// which only narrow keys listed already.
func collectKeys(v any, keys map[string]bool) {
	switch v := v.(type) {
	case map[string]any:
		if props, ok := v["properties"].(map[string]any); ok {
			for k := range props {
				keys[k] = true
			}
		}
		for k, sub := range v {
			if k != "oneOf" {
				collectKeys(sub, keys)
			}
		}
	case []any:
		for _, sub := range v {
			collectKeys(sub, keys)
		}
	}
}

func TestRender(t *testing.T) {
	cases := []struct {
		name   string
		schema string
		want   []string // lines the output holds, in this order
		err    string   // the error says this
	}{
		{
			name:   "keys in schema order, required and defaults",
			schema: `{"title": "x.yaml", "required": ["zeta"], "properties": {"zeta": {"type": "string", "description": "Z."}, "alpha": {"type": "integer", "minimum": 2, "default": 5, "description": "A."}}}`,
			want:   []string{"| `zeta` | string | required | — | Z. |", "| `alpha` | integer | `5` | at least 2 | A. |"},
		},
		{
			name: "a reference through a property keeps the default on the way",
			schema: `{"title": "x.yaml", "properties": {"a": {"$ref": "#/$defs/h/properties/t", "description": "Mine."}},
				"$defs": {"h": {"properties": {"t": {"$ref": "#/$defs/duration", "default": "5s"}}}, "duration": {"type": "string", "description": "A duration."}}}`,
			want: []string{"| `a` | [duration](#duration) | `5s` | — | Mine. |", "### `duration`", "A duration."},
		},
		{
			name: "a nested object gets a subsection after its parent's table",
			schema: `{"title": "x.yaml", "properties": {"m": {"$ref": "#/$defs/m", "description": "M."}, "n": {"type": "boolean", "description": "N."}},
				"$defs": {"m": {"type": "object", "description": "All of m.", "properties": {"r": {"enum": ["a", "b"], "default": "a", "description": "R."}}}}}`,
			want: []string{"| `m` | object ([below](#m)) | — | — | M. |", "| `n` | boolean |", "## `m`", "All of m.", "| `r` | string | `a` | one of `a`, `b` | R. |"},
		},
		{
			name:   "a map of objects",
			schema: `{"title": "x.yaml", "properties": {"t": {"type": "object", "description": "T.", "propertyNames": {"pattern": "^[a-z]+$"}, "additionalProperties": {"type": "object", "properties": {"p": {"type": "string", "description": "P."}}}}}}`,
			want:   []string{"| `t` | map of name → object ([below](#tname)) |", "## `t.<name>`", "Names match `^[a-z]+$`.", "| `p` | string |"},
		},
		{
			name:   "a key without a description",
			schema: `{"title": "x.yaml", "properties": {"w": {"$ref": "#/$defs/w", "description": "W."}}, "$defs": {"w": {"type": "object", "properties": {"quiet": {"type": "string"}}}}}`,
			err:    "w.quiet has no description: add one to backend/config/eightfold.schema.json",
		},
		{
			name:   "a reference to nothing",
			schema: `{"title": "x.yaml", "properties": {"a": {"$ref": "#/$defs/gone", "description": "A."}}}`,
			err:    `a: $ref "#/$defs/gone": no "$defs" in the schema`,
		},
		{
			name:   "a reference outside the file",
			schema: `{"title": "x.yaml", "properties": {"a": {"$ref": "https://example.com/s.json", "description": "A."}}}`,
			err:    "only references inside the file (#/…) are supported",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := render([]byte(c.schema))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one saying %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			rest := string(out)
			for _, w := range c.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Fatalf("the output lacks %q after what came before; output:\n%s", w, out)
				}
				rest = rest[i+len(w):]
			}
		})
	}
}

// TestRenderIsDeterministic renders the real schema twice: maps must not leak their order.
func TestRenderIsDeterministic(t *testing.T) {
	a, err := render(config.Schema)
	if err != nil {
		t.Fatal(err)
	}
	for range 5 {
		b, _ := render(config.Schema)
		if !bytes.Equal(a, b) {
			t.Fatal("two renders of the same schema differ")
		}
	}
}
