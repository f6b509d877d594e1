package config

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
)

// docsWithConfigs are the docs whose whole-file examples must load: each ```yaml block
// whose first line is the marker.
var docsWithConfigs = []string{"docs/config.md", "docs/deploy-vps.md"}

// wholeFileMarker opens a ```yaml block that is a whole eightfold.yaml.
const wholeFileMarker = "# eightfold.yaml"

// docBlock is a fenced yaml block of a Markdown file.
type docBlock struct {
	line int // of its first line of YAML, 1-based
	src  []byte
}

// yamlBlocks returns the ```yaml blocks of Markdown text that start with the marker.
func yamlBlocks(md []byte) ([]docBlock, error) {
	var blocks []docBlock
	var cur *docBlock
	sc := bufio.NewScanner(bytes.NewReader(md))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```yaml":
			cur = &docBlock{line: n + 1}
		case cur != nil && strings.TrimSpace(line) == "```":
			if bytes.HasPrefix(cur.src, []byte(wholeFileMarker+"\n")) {
				blocks = append(blocks, *cur)
			}
			cur = nil
		case cur != nil:
			cur.src = append(append(cur.src, line...), '\n')
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("the ```yaml block at line %d is not closed", cur.line-1)
	}
	return blocks, sc.Err()
}

// TestDocsConfigsLoad loads every whole-file example of the docs with Parse: a doc that
// shows a config the loader refuses is wrong.
func TestDocsConfigsLoad(t *testing.T) {
	for _, doc := range docsWithConfigs {
		t.Run(doc, func(t *testing.T) {
			md, err := os.ReadFile("../../" + doc)
			if err != nil {
				t.Fatal(err)
			}
			blocks, err := yamlBlocks(md)
			if err != nil {
				t.Fatalf("%s: %v", doc, err)
			}
			if len(blocks) == 0 {
				t.Fatalf("%s has no ```yaml block starting with %q: mark its whole eightfold.yaml examples so that they are tested", doc, wholeFileMarker)
			}
			for _, b := range blocks {
				if _, err := Parse("eightfold.yaml", b.src); err != nil {
					t.Errorf("%s:%d: the eightfold.yaml example starting here does not load (its line 1 is this line):\n%v", doc, b.line, err)
				}
			}
		})
	}
}

func TestYAMLBlocks(t *testing.T) {
	md := "# t\n```yaml\n# eightfold.yaml\nsteps: []\n```\n\n```yaml\nwatch: {}\n```\n```sh\n# eightfold.yaml\n```\n```yaml\n# eightfold.yaml\nsteps:\n```\n"
	blocks, err := yamlBlocks([]byte(md))
	if err != nil {
		t.Fatal(err)
	}
	want := []docBlock{{line: 3, src: []byte("# eightfold.yaml\nsteps: []\n")}, {line: 14, src: []byte("# eightfold.yaml\nsteps:\n")}}
	if len(blocks) != len(want) {
		t.Fatalf("got %d blocks, want %d: %+v", len(blocks), len(want), blocks)
	}
	for i := range want {
		if blocks[i].line != want[i].line || !bytes.Equal(blocks[i].src, want[i].src) {
			t.Errorf("block %d = line %d %q, want line %d %q", i, blocks[i].line, blocks[i].src, want[i].line, want[i].src)
		}
	}
	if _, err := yamlBlocks([]byte("```yaml\n# eightfold.yaml\n")); err == nil || !strings.Contains(err.Error(), "line 1 is not closed") {
		t.Errorf("an unclosed block: error %v", err)
	}
}
