// Package rank makes fractional ordering keys: strings that sort in the order of the items
// they rank, so that moving one item between two others writes one row (its new key) and
// never renumbers its neighbours.
//
// A key is the digits of a fraction in (0, 1), written in base 62 with the digits
// 0-9, A-Z, a-z (in this order, which is also their byte order), most significant first. A
// key never ends in the smallest digit '0': "V0" would be the same fraction as "V" under
// another name, so forbidding it makes byte order the same as numeric order and every
// fraction have one key. It also leaves room everywhere: below any key there is always a
// longer one ("1" > "0z" > "0y" …), above it too.
//
// This package is hand-written on purpose: no Go fractional-indexing module is served by the
// module proxy this project builds with (github.com/rocicorp/fracdex and the others answer
// 403), and what is needed here is small enough to own, test and keep.
//
// Appends at either end do not bisect: bisecting the room above the last key halves it
// every time, so keys would grow by one digit about every six appends. Between(last, "")
// instead counts up at the last key's own length (carrying like an odometer), and only when
// that length is used up (the key is all 'z') goes deeper, doubling the length. Prepends count
// down the same way. Ten thousand appends after Initial's keys end at 8 digits (see
// TestAppendsStayShort).
package rank

import (
	"errors"
	"fmt"
	"math/big"
)

// Digits are the key digits in ascending order (which is also their byte order).
const Digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

const (
	base = len(Digits)
	zero = '0' // Digits[0]
	top  = 'z' // Digits[base-1]
)

// value is a digit's value, or -1 for a byte that is not a digit.
func value(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'A' && c <= 'Z':
		return int(c-'A') + 10
	case c >= 'a' && c <= 'z':
		return int(c-'a') + 36
	}
	return -1
}

// ErrInvalid is wrapped by the errors of Between and Valid.
var ErrInvalid = errors.New("invalid rank")

// Valid reports why key is not a rank key (nil when it is): it must be non-empty, made of
// base-62 digits and not end in '0'.
func Valid(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty key", ErrInvalid)
	}
	for i := 0; i < len(key); i++ {
		if value(key[i]) < 0 {
			return fmt.Errorf("%w %q: byte %d is %q, not one of 0-9, A-Z, a-z", ErrInvalid, key, i, key[i])
		}
	}
	if key[len(key)-1] == zero {
		return fmt.Errorf("%w %q: a key never ends in '0'", ErrInvalid, key)
	}
	return nil
}

// Between returns a key strictly between a and b; "" stands for an open end (before the
// first key, after the last). Between("", "") is the middle key "V". It fails when a key is
// not Valid or when a is not below b.
func Between(a, b string) (string, error) {
	for _, k := range []string{a, b} {
		if k != "" {
			if err := Valid(k); err != nil {
				return "", err
			}
		}
	}
	switch {
	case a != "" && b != "" && a >= b:
		return "", fmt.Errorf("%w: %q is not below %q, so nothing lies between them", ErrInvalid, a, b)
	case a == "" && b == "":
		return string(Digits[base/2]), nil
	case b == "":
		return after(a), nil
	case a == "":
		return before(b), nil
	}
	return midpoint(a, b), nil
}

// midpoint returns a key between a and b (a < b; a may be "", standing for 0; b may be "",
// standing for 1). It keeps the common prefix and bisects the first differing digit, going
// one digit deeper when those digits are adjacent.
func midpoint(a, b string) string {
	if b != "" {
		n := 0
		for n < len(b) && digitAt(a, n) == b[n] {
			n++
		}
		if n > 0 {
			return b[:n] + midpoint(tail(a, n), b[n:])
		}
	}
	da := value(digitAt(a, 0))
	db := base
	if b != "" {
		db = value(b[0])
	}
	if db-da > 1 {
		return string(Digits[(da+db+1)/2])
	}
	// Adjacent first digits. A longer b has more digits after its first, so its first digit
	// alone lies between (and is not '0', since it is above a's).
	if len(b) > 1 {
		return b[:1]
	}
	return string(Digits[da]) + midpoint(tail(a, 1), "")
}

// digitAt is a's digit at i, '0' past its end (a key is a fraction: more zeros change nothing).
func digitAt(a string, i int) byte {
	if i < len(a) {
		return a[i]
	}
	return zero
}

func tail(a string, n int) string {
	if n >= len(a) {
		return ""
	}
	return a[n:]
}

// after returns a key above a: a counted up by one at its own length, skipping a last digit
// '0'; when a is all 'z' (nothing left at that length), a followed by the smallest key as long
// as a, so that the next run of appends has as many keys as all of a's length had.
func after(a string) string {
	d := []byte(a)
	if !countUp(d) {
		return a + zeros(len(a)-1) + string(Digits[1])
	}
	if d[len(d)-1] == zero { // a carry left a '0' last: one more up
		d[len(d)-1] = Digits[1]
	}
	return string(d)
}

// before returns a key below b: b counted down by one at its own length, skipping a last
// digit '0'; when b is the smallest key of its length ("0…01"), as many '0' as b is long and
// then as many 'z'.
func before(b string) string {
	d := []byte(b)
	countDown(d) // b is not all '0', so this never underflows
	if d[len(d)-1] == zero {
		if allZero(d) {
			return zeros(len(b)) + tops(len(b))
		}
		countDown(d)
	}
	return string(d)
}

// countUp adds one in d's last place; false when d was all 'z' (d is then all '0').
func countUp(d []byte) bool {
	for i := len(d) - 1; i >= 0; i-- {
		if d[i] != top {
			d[i] = Digits[value(d[i])+1]
			return true
		}
		d[i] = zero
	}
	return false
}

// countDown subtracts one in d's last place; false when d was all '0'.
func countDown(d []byte) bool {
	for i := len(d) - 1; i >= 0; i-- {
		if d[i] != zero {
			d[i] = Digits[value(d[i])-1]
			return true
		}
		d[i] = top
	}
	return false
}

func allZero(d []byte) bool {
	for _, c := range d {
		if c != zero {
			return false
		}
	}
	return true
}

func zeros(n int) string { return repeat(zero, n) }
func tops(n int) string  { return repeat(top, n) }

func repeat(c byte, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = c
	}
	return string(b)
}

// Initial returns n evenly spaced keys in ascending order, as short as that spacing allows
// (with room for at least one more key between any two): for seeding a list.
func Initial(n int) []string {
	if n <= 0 {
		return nil
	}
	// The shortest length L with 62^L ≥ 2(n+1): the keys are i·62^L/(n+1), i = 1…n.
	span := big.NewInt(int64(base))
	length := 1
	want := big.NewInt(2 * (int64(n) + 1))
	for span.Cmp(want) < 0 {
		span.Mul(span, big.NewInt(int64(base)))
		length++
	}
	out := make([]string, n)
	v, rem := new(big.Int), new(big.Int)
	bigBase := big.NewInt(int64(base))
	for i := range n {
		v.Mul(span, big.NewInt(int64(i+1)))
		v.Quo(v, big.NewInt(int64(n+1)))
		d := make([]byte, length)
		for j := length - 1; j >= 0; j-- {
			v.QuoRem(v, bigBase, rem)
			d[j] = Digits[rem.Int64()]
		}
		k := string(d)
		for k[len(k)-1] == zero {
			k = k[:len(k)-1]
		}
		out[i] = k
	}
	return out
}
