package testreport

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	if got := Clip("short", 10); got != "short" {
		t.Errorf("Clip kept %q", got)
	}
	long := strings.Repeat("é", 100) // 200 bytes
	got := Clip(long, 60)
	if len(got) > 60 || !utf8.ValidString(got) || !strings.HasSuffix(got, "[140 bytes cut]") || !strings.HasPrefix(got, "éé") {
		t.Errorf("Clip(200 bytes of é, 60) = %q (%d bytes)", got, len(got))
	}
}

func TestWarningString(t *testing.T) {
	if got := (Warning{Line: 3, Message: "not TAP"}).String(); got != "line 3: not TAP" {
		t.Errorf("got %q", got)
	}
	if got := (Warning{Message: "input ended"}).String(); got != "input ended" {
		t.Errorf("got %q", got)
	}
}

func TestClipBelowTheMarkersLength(t *testing.T) {
	if got := Clip("abcdefghij", 4); got != "abcd" {
		t.Errorf("got %q", got)
	}
}
