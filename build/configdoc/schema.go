package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// schema is the part of a JSON Schema the reference shows. Properties keep the order of
// the file.
type schema struct {
	Ref                  string              `json:"$ref"`
	Title                string              `json:"title"`
	Description          string              `json:"description"`
	Type                 json.RawMessage     `json:"type"` // a name or a list of names
	Default              json.RawMessage     `json:"default"`
	Enum                 []json.RawMessage   `json:"enum"`
	Const                json.RawMessage     `json:"const"`
	Pattern              string              `json:"pattern"`
	Minimum              *json.Number        `json:"minimum"`
	Maximum              *json.Number        `json:"maximum"`
	MinLength            *int                `json:"minLength"`
	MinItems             *int                `json:"minItems"`
	UniqueItems          bool                `json:"uniqueItems"`
	Required             []string            `json:"required"`
	Items                *schema             `json:"items"`
	Properties           properties          `json:"properties"`
	AdditionalProperties json.RawMessage     `json:"additionalProperties"` // false or a schema
	PropertyNames        *schema             `json:"propertyNames"`
	AnyOf                []*schema           `json:"anyOf"`
	OneOf                []*schema           `json:"oneOf"`
	DependentRequired    map[string][]string `json:"dependentRequired"`
}

// property is one key of an object, in the order the schema lists it.
type property struct {
	Name   string
	Schema *schema
}

// properties are an object's keys in the order of the file (encoding/json's maps would
// sort them).
type properties []property

func (ps *properties) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		p := property{Name: tok.(string)}
		if err := dec.Decode(&p.Schema); err != nil {
			return fmt.Errorf("properties.%s: %w", p.Name, err)
		}
		*ps = append(*ps, p)
	}
	return nil
}

// additional is the schema of an object's additionalProperties, nil when it is absent or
// a boolean.
func (s *schema) additional() (*schema, error) {
	if len(s.AdditionalProperties) == 0 || s.AdditionalProperties[0] != '{' {
		return nil, nil
	}
	var a schema
	err := json.Unmarshal(s.AdditionalProperties, &a)
	return &a, err
}

// types are the schema's type names.
func (s *schema) types() []string {
	var one string
	if json.Unmarshal(s.Type, &one) == nil {
		return []string{one}
	}
	var many []string
	json.Unmarshal(s.Type, &many)
	return many
}

// document is a whole schema file, able to resolve local references ("#/$defs/duration",
// "#/$defs/health/properties/url").
type document struct {
	root json.RawMessage
}

// at returns the schema at a local reference, without following its own $ref.
func (d document) at(ref string) (*schema, error) {
	raw, err := d.pointer(ref)
	if err != nil {
		return nil, err
	}
	var s schema
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	return &s, nil
}

// defName is NAME for "#/$defs/NAME", else "".
func defName(ref string) string {
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	if !ok || strings.Contains(name, "/") {
		return ""
	}
	return name
}

// pointer returns the JSON value at a local reference "#/a/b" (RFC 6901).
func (d document) pointer(ref string) (json.RawMessage, error) {
	path, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("$ref %q: only references inside the file (#/…) are supported", ref)
	}
	cur := d.root
	for _, tok := range strings.Split(path, "/") {
		tok = strings.NewReplacer("~1", "/", "~0", "~").Replace(tok)
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(cur, &obj); err != nil {
			return nil, fmt.Errorf("$ref %q: %q is not inside an object", ref, tok)
		}
		next, ok := obj[tok]
		if !ok {
			return nil, fmt.Errorf("$ref %q: no %q in the schema", ref, tok)
		}
		cur = next
	}
	return cur, nil
}
