package cli

import "fmt"

// count says how many of a thing there are, the noun singular for one: "1 test", "2 tests",
// "0 tests". Every noun the terminal face counts takes a plain -s.
func count(n int, noun string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, noun)
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
