package rank

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestBetweenTable(t *testing.T) {
	cases := []struct{ a, b, want string }{
		{"", "", "V"},
		{"V", "", "W"},
		{"", "V", "U"},
		{"z", "", "z1"},
		{"zz", "", "zz01"},
		{"Vz", "", "W1"}, // carried: "W0" would end in '0'
		{"1", "", "2"},
		{"", "1", "0z"},
		{"", "01", "00zz"},
		{"", "W1", "Vz"}, // "W0" would end in '0'
		{"", "W", "V"},
		{"A", "C", "B"},
		{"A", "B", "AV"},
		{"V", "V1", "V0V"},
		{"V", "V01", "V00V"},
		{"Az", "B", "AzV"},
		{"A", "B1", "B"},
		{"0z", "1", "0zV"},
		{"1", "z", "V"},
		{"yz", "z", "yzV"},
	}
	for _, c := range cases {
		got, err := Between(c.a, c.b)
		if err != nil || got != c.want {
			t.Errorf("Between(%q, %q) = %q, %v; want %q", c.a, c.b, got, err, c.want)
			continue
		}
		if (c.a != "" && got <= c.a) || (c.b != "" && got >= c.b) || Valid(got) != nil {
			t.Errorf("Between(%q, %q) = %q is not strictly between, or invalid", c.a, c.b, got)
		}
	}
}

func TestBetweenRejects(t *testing.T) {
	cases := []struct{ a, b string }{
		{"V", "V"}, {"W", "V"}, {"V0", ""}, {"", "a-b"}, {"0", "1"}, {"é", ""}, {"V", "U"},
	}
	for _, c := range cases {
		if got, err := Between(c.a, c.b); !errors.Is(err, ErrInvalid) {
			t.Errorf("Between(%q, %q) = %q, %v; want an ErrInvalid error", c.a, c.b, got, err)
		}
	}
}

func TestValid(t *testing.T) {
	for _, k := range []string{"1", "V", "z", "0z", "00001", "azAZ09z"} {
		if err := Valid(k); err != nil {
			t.Errorf("Valid(%q) = %v", k, err)
		}
	}
	for _, k := range []string{"", "0", "V0", "a b", "a_b", "Ω"} {
		if Valid(k) == nil {
			t.Errorf("Valid(%q) = nil, want an error", k)
		}
	}
}

func TestDigitsAreInByteOrder(t *testing.T) {
	for i := 1; i < len(Digits); i++ {
		if Digits[i-1] >= Digits[i] || value(Digits[i]) != i {
			t.Fatalf("digit %d %q out of order", i, Digits[i])
		}
	}
}

// Random inserts anywhere (between neighbours, at either end) into a list keep it sorted and
// its keys unique and valid.
func TestRandomInsertsKeepOrder(t *testing.T) {
	for seed := range uint64(20) {
		r := rand.New(rand.NewPCG(seed, 7))
		keys := Initial(r.IntN(5))
		for range 2000 {
			i := r.IntN(len(keys) + 1) // insert before keys[i]; len(keys): at the end
			var a, b string
			if i > 0 {
				a = keys[i-1]
			}
			if i < len(keys) {
				b = keys[i]
			}
			k, err := Between(a, b)
			if err != nil {
				t.Fatalf("seed %d: Between(%q, %q): %v", seed, a, b, err)
			}
			keys = slices.Insert(keys, i, k)
		}
		checkSorted(t, keys)
	}
}

// Inserting again and again at the same spot (always just after the first key) is the worst
// case for length: each key must be longer than the last, but only by a digit in about 6.
func TestRepeatedInsertAtOneSpot(t *testing.T) {
	keys := Initial(2)
	for range 1000 {
		k, err := Between(keys[0], keys[1])
		if err != nil {
			t.Fatal(err)
		}
		keys = slices.Insert(keys, 1, k)
	}
	checkSorted(t, keys)
	if n := len(keys[1]); n > 1000/5 {
		t.Errorf("after 1,000 inserts at one spot the key has %d digits", n)
	}
	t.Logf("1,000 inserts at one spot: %d digits", len(keys[1]))
}

// Appends at the end and prepends at the start count rather than bisect, so keys stay short.
// Measured: after 10,000 appends to Initial(7) the last key has 8 digits, and after 10,000
// prepends the first key has 8 digits too.
func TestAppendsStayShort(t *testing.T) {
	keys := Initial(7)
	first, last := keys[0], keys[len(keys)-1]
	var err error
	for range 10_000 {
		prev := last
		if last, err = Between(last, ""); err != nil || last <= prev {
			t.Fatalf("append after %q: %q, %v", prev, last, err)
		}
		next := first
		if first, err = Between("", first); err != nil || first >= next {
			t.Fatalf("prepend before %q: %q, %v", next, first, err)
		}
	}
	t.Logf("after 10,000 appends: %q (%d digits); after 10,000 prepends: %q (%d digits)", last, len(last), first, len(first))
	if len(last) > 8 || len(first) > 8 {
		t.Errorf("keys grew to %d (append) and %d (prepend) digits, want at most 8", len(last), len(first))
	}
}

// Every key an append sequence makes is distinct and ascending, through the length changes.
func TestAppendSequenceIsSorted(t *testing.T) {
	keys := []string{"y"}
	for range 5000 {
		k, err := Between(keys[len(keys)-1], "")
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k)
	}
	checkSorted(t, keys)
	keys = []string{"2"}
	for range 5000 {
		k, err := Between("", keys[0])
		if err != nil {
			t.Fatal(err)
		}
		keys = slices.Insert(keys, 0, k)
	}
	checkSorted(t, keys)
}

func TestInitial(t *testing.T) {
	if Initial(0) != nil {
		t.Error("Initial(0) is not empty")
	}
	for _, n := range []int{1, 2, 7, 30, 61, 62, 1000, 5000} {
		keys := Initial(n)
		if len(keys) != n {
			t.Fatalf("Initial(%d) has %d keys", n, len(keys))
		}
		checkSorted(t, keys)
		// Room left between neighbours and at the ends.
		for i := 1; i < n; i++ {
			if _, err := Between(keys[i-1], keys[i]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if got := Initial(1); got[0] != "V" {
		t.Errorf("Initial(1) = %v, want the middle key", got)
	}
	if got := Initial(1000); len(got[999]) > 2 {
		t.Errorf("Initial(1000) keys are %d digits, want 2", len(got[999]))
	}
}

func checkSorted(t *testing.T, keys []string) {
	t.Helper()
	for i, k := range keys {
		if err := Valid(k); err != nil {
			t.Fatalf("key %d: %v", i, err)
		}
		if i > 0 && keys[i-1] >= k {
			t.Fatalf("keys %d and %d out of order or equal: %q, %q", i-1, i, keys[i-1], k)
		}
	}
}

func FuzzBetween(f *testing.F) {
	for _, s := range [][2]string{{"", ""}, {"V", ""}, {"", "1"}, {"A", "B"}, {"zz", ""}, {"01", "1"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		k, err := Between(a, b)
		if err != nil {
			return
		}
		if Valid(k) != nil || (a != "" && k <= a) || (b != "" && k >= b) {
			t.Fatalf("Between(%q, %q) = %q", a, b, k)
		}
	})
}
