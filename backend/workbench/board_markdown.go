package workbench

import (
	"bytes"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// markdown renders GitHub-flavoured markdown (tables, strikethrough, autolinks, task lists).
// Raw HTML in the source is never passed through: goldmark leaves it out unless told
// otherwise (html.WithUnsafe, not used here), and it drops javascript: and similar links.
var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

// sanitizer is the second line of defence, on goldmark's output: bluemonday's policy for
// user-generated content (no script, style, event handler attributes or dangerous URL
// schemes), plus the disabled checkboxes of task lists. Links to other sites open in a new
// window, without access to this one.
var sanitizer = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^$`)).OnElements("input")
	p.AddTargetBlankToFullyQualifiedLinks(true)
	return p
}()

// RenderMarkdown turns a card's markdown description into HTML that is safe to insert into
// a page.
func RenderMarkdown(src string) string {
	if src == "" {
		return ""
	}
	var b bytes.Buffer
	if err := markdown.Convert([]byte(src), &b); err != nil {
		// goldmark fails only when writing fails, which a buffer never does; show the source
		// as text rather than nothing.
		return sanitizer.Sanitize("<pre>" + bluemonday.StrictPolicy().Sanitize(src) + "</pre>")
	}
	return sanitizer.Sanitize(b.String())
}
