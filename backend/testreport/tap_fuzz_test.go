package testreport

import "testing"

// FuzzTAP reads any stream without panicking or hanging, hands on only valid cases with
// names, and gives the same result however the stream is split into writes.
func FuzzTAP(f *testing.F) {
	addSeeds(f, "tap", "*.tap")
	for _, s := range []string{"", "ok", "not ok 1 # TODO", "1..0 # SKIP", "Bail out!", "ok 1\n  ---\n  message: |\n    x\n",
		"# Subtest: a\n    # Subtest: b\n        ok 1\n", "    ok 1\n    1..1\nok 1\n", "ok 1 - a\\#b\\\\ # skip\r\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var cases []Case
		p := NewTAP("suite", func(c Case) {
			checkFuzzCase(t, c)
			if c.Name == "" || c.Suite != "suite" {
				t.Fatalf("a case with suite %q and name %q", c.Suite, c.Name)
			}
			cases = append(cases, c)
		})
		p.Write(data)
		ws := p.Close()
		checkWarnings(t, ws)
		want := render(cases, ws)
		chunk := 1
		if len(data) > 0 {
			chunk = 1 + int(data[0])%7
		}
		for _, size := range []int{1, chunk} {
			if got := render(readTAP(data, size)); got != want {
				t.Fatalf("in writes of %d bytes:\n%s\nin one write:\n%s", size, got, want)
			}
		}
	})
}
