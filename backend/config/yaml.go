package config

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// This file holds the generic YAML side: parsing to an AST, positions,
// anchors and aliases, scalars and mapping entries. decode.go gives the
// nodes their eightfold.yaml meaning.

// maxMergeDepth bounds nested "<<" merge keys (and so alias cycles).
const maxMergeDepth = 8

// parseDocument parses src and returns the body of its single document.
func parseDocument(name string, src []byte) (ast.Node, error) {
	f, err := parseBytes(bytes.TrimPrefix(src, []byte("\ufeff"))) // a byte order mark some editors write
	if err != nil {
		return nil, ErrorList{syntaxError(name, err)}
	}
	var bodies []ast.Node
	for _, doc := range f.Docs {
		if doc != nil && doc.Body != nil {
			bodies = append(bodies, doc.Body)
		}
	}
	switch len(bodies) {
	case 0:
		return nil, ErrorList{{File: name, Line: 1, Col: 1,
			Msg: "the file is empty; expected a mapping with a steps list, such as: steps: [{name: test, run: make test}]"}}
	case 1:
		return bodies[0], nil
	}
	line, col := position(bodies[1])
	return nil, ErrorList{{File: name, Line: line, Col: col,
		Msg: "a second YAML document; expected a single document (remove the extra ---)"}}
}

// parseBytes is parser.ParseBytes turning a panic of the parser into an error.
func parseBytes(src []byte) (f *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, fmt.Errorf("the YAML parser failed: %v", r)
		}
	}()
	return parser.ParseBytes(src, 0)
}

var duplicateKeyMsg = regexp.MustCompile(`^mapping key "(.*)" already defined at \[(\d+):(\d+)\]$`)

// syntaxError converts a go-yaml parse error into an Error with our wording.
func syntaxError(name string, err error) *Error {
	e := &Error{File: name, Line: 1, Col: 1, Msg: "invalid YAML: " + err.Error()}
	var ye yaml.Error
	if !errors.As(err, &ye) {
		return e
	}
	msg := ye.GetMessage()
	if m := duplicateKeyMsg.FindStringSubmatch(msg); m != nil {
		msg = fmt.Sprintf("duplicate key %q (first defined at line %s, column %s); each key may appear once", m[1], m[2], m[3])
	} else {
		msg = "invalid YAML: " + msg
	}
	e.Msg = msg
	if tk := ye.GetToken(); tk != nil && tk.Position != nil {
		e.Line, e.Col = max(tk.Position.Line, 1), max(tk.Position.Column, 1)
	}
	return e
}

// position is the 1-based line and column where n starts in the source.
// A block mapping starts at its first key (its token is the first ':').
func position(n ast.Node) (line, col int) {
	switch v := n.(type) {
	case nil:
		return 1, 1
	case *ast.DocumentNode:
		return position(v.Body)
	case *ast.MappingValueNode:
		return position(v.Key)
	case *ast.MappingNode:
		if !v.IsFlowStyle && len(v.Values) > 0 {
			return position(v.Values[0])
		}
	}
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return 1, 1
	}
	return max(tk.Position.Line, 1), max(tk.Position.Column, 1)
}

// scalar describes the data node behind n once anchors, aliases and tags
// are looked through.
type scalar struct {
	node     ast.Node // the data node; nil for a dangling alias
	text     string   // the text of a scalar, as written (for strings: unquoted)
	kind     string   // for messages: "a string", "an integer", "a list", …
	isText   bool     // a string, or any scalar tagged !!str
	isScalar bool     // a string, number or boolean (not null)
	isNull   bool     // null, written or left out
}

// quoted is the scalar's text for messages: strings in quotes, numbers bare.
func (s scalar) quoted() string {
	if s.isText {
		return strconv.Quote(s.text)
	}
	return s.text
}

// resolver looks through anchors, aliases and tags.
type resolver struct {
	anchors map[string]ast.Node
}

// newResolver records every anchor under root so that aliases resolve.
func newResolver(root ast.Node) *resolver {
	r := &resolver{anchors: map[string]ast.Node{}}
	ast.Walk(r, root)
	return r
}

// Visit implements ast.Visitor for newResolver.
func (r *resolver) Visit(n ast.Node) ast.Visitor {
	if a, ok := n.(*ast.AnchorNode); ok && a.Name != nil {
		r.anchors[tokenValue(a.Name)] = a.Value
	}
	return r
}

// resolve returns what n stands for.
func (r *resolver) resolve(n ast.Node) scalar {
	strTag := false
unwrap:
	for range maxMergeDepth {
		switch v := n.(type) {
		case *ast.AnchorNode:
			n = v.Value
		case *ast.TagNode:
			strTag = strTag || v.Start != nil && v.Start.Value == "!!str"
			n = v.Value
		case *ast.AliasNode:
			name := tokenValue(v.Value)
			target, ok := r.anchors[name]
			if !ok {
				return scalar{kind: fmt.Sprintf("*%s, an alias to an undefined anchor", name)}
			}
			n = target
		default:
			break unwrap
		}
	}
	return describe(n, strTag)
}

// describe classifies a data node.
func describe(n ast.Node, strTag bool) scalar {
	s := scalar{node: n}
	switch v := n.(type) {
	case *ast.StringNode:
		s.text, s.kind, s.isText = v.Value, "a string", true
	case *ast.LiteralNode:
		s.text, s.kind, s.isText = v.Value.Value, "a string", true
	case *ast.IntegerNode, *ast.FloatNode, *ast.InfinityNode, *ast.NanNode:
		s.text, s.kind = tokenValue(n), "a number"
		if _, isInt := n.(*ast.IntegerNode); isInt {
			s.kind = "an integer"
		}
	case *ast.BoolNode:
		s.text, s.kind = tokenValue(v), "a boolean"
	case *ast.NullNode, nil:
		s.kind, s.isNull = "nothing (null)", true
	case *ast.MappingNode:
		s.kind = "a mapping"
	case *ast.SequenceNode:
		s.kind = "a list"
	default:
		s.kind = "an unsupported " + strings.ToLower(n.Type().String()) + " node"
	}
	s.isScalar = s.isText || s.text != ""
	if strTag && s.isScalar {
		s.kind, s.isText = "a string", true
	}
	return s
}

// tokenValue is the text of n's token, or "" when it has none.
func tokenValue(n ast.Node) string {
	if n == nil {
		return ""
	}
	if tk := n.GetToken(); tk != nil {
		return tk.Value
	}
	return ""
}

// entry is one key: value pair of a mapping.
type entry struct {
	key   string
	keyAt ast.Node // the key, for errors about the key
	value ast.Node // the value as written
	at    ast.Node // where errors about the value point
}

// entries lists the pairs of the mapping m, with "<<" merge keys expanded
// (keys written in m win over merged ones, earlier merges over later ones).
// Problems with merge keys and non-scalar keys are reported through fail.
func (r *resolver) entries(m *ast.MappingNode, depth int, fail func(at ast.Node, msg string)) []entry {
	var own, merged []entry
	for _, mv := range m.Values {
		if isMergeKey(mv.Key) {
			merged = append(merged, r.merge(mv, depth, fail)...)
			continue
		}
		keyNode := ast.Node(mv.Key)
		if explicit, ok := keyNode.(*ast.MappingKeyNode); ok { // "? key"
			keyNode = explicit.Value
		}
		key := r.resolve(keyNode)
		if !key.isScalar {
			fail(mv.Key, "expected a plain key name, got "+key.kind)
			continue
		}
		own = append(own, entry{key: key.text, keyAt: mv.Key, value: mv.Value, at: valueAt(mv)})
	}
	return appendMissing(own, merged)
}

// merge expands the value of a "<<" key: a mapping or a list of mappings.
func (r *resolver) merge(mv *ast.MappingValueNode, depth int, fail func(at ast.Node, msg string)) []entry {
	if depth >= maxMergeDepth {
		fail(mv.Key, "merge keys (<<) nested too deeply")
		return nil
	}
	v := r.resolve(mv.Value)
	sources := []ast.Node{mv.Value}
	if seq, ok := v.node.(*ast.SequenceNode); ok {
		sources = seq.Values
	}
	var out []entry
	for _, src := range sources {
		m, ok := r.resolve(src).node.(*ast.MappingNode)
		if !ok {
			fail(src, "a merge key (<<) expects a mapping or a list of mappings, got "+r.resolve(src).kind)
			continue
		}
		out = appendMissing(out, r.entries(m, depth+1, fail))
	}
	return out
}

// appendMissing appends the entries of extra whose keys are not in base.
func appendMissing(base, extra []entry) []entry {
	seen := make(map[string]bool, len(base))
	for _, e := range base {
		seen[e.key] = true
	}
	for _, e := range extra {
		if !seen[e.key] {
			seen[e.key] = true
			base = append(base, e)
		}
	}
	return base
}

// isMergeKey reports whether k is the YAML merge key "<<".
func isMergeKey(k ast.Node) bool {
	_, ok := k.(*ast.MergeKeyNode)
	return ok
}

// valueAt is where errors about the value of mv point: the value, or the
// key when the value is left out ("key:" with nothing after it).
func valueAt(mv *ast.MappingValueNode) ast.Node {
	if isImplicitNull(mv.Value) {
		return mv.Key
	}
	return mv.Value
}

// isImplicitNull reports whether n is a value left out, as in "key:" or "-".
func isImplicitNull(n ast.Node) bool {
	null, ok := n.(*ast.NullNode)
	return n == nil || ok && null.Token != nil && null.Token.Type == token.ImplicitNullType
}
