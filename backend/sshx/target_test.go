package sshx_test

import (
	"os/exec"
	"os/user"
	"testing"

	"eightfold/backend/sshx"
)

func TestParseTarget(t *testing.T) {
	me, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	ok := []struct {
		in   string
		want sshx.Target
		str  string
	}{
		{"deploy@example.com", sshx.Target{User: "deploy", Host: "example.com", Port: 22}, "deploy@example.com:22"},
		{"deploy@203.0.113.10:2222", sshx.Target{User: "deploy", Host: "203.0.113.10", Port: 2222}, "deploy@203.0.113.10:2222"},
		{"example.com:23", sshx.Target{User: me.Username, Host: "example.com", Port: 23}, me.Username + "@example.com:23"},
		{"ops@[2001:db8::1]:2200", sshx.Target{User: "ops", Host: "2001:db8::1", Port: 2200}, "ops@[2001:db8::1]:2200"},
		{"ops@[::1]", sshx.Target{User: "ops", Host: "::1", Port: 22}, "ops@[::1]:22"},
		{"ops@::1", sshx.Target{User: "ops", Host: "::1", Port: 22}, "ops@[::1]:22"},
		{"a.b@host-1", sshx.Target{User: "a.b", Host: "host-1", Port: 22}, "a.b@host-1:22"},
	}
	for _, c := range ok {
		t.Run(c.in, func(t *testing.T) {
			got, err := sshx.ParseTarget(c.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
			if got.String() != c.str {
				t.Errorf("String() = %q, want %q", got.String(), c.str)
			}
		})
	}
	for _, in := range []string{"", "@host", "user@", "user@host:", "user@host:0", "user@host:65536", "user@host:ssh",
		"user@[::1", "user@[::1]x", "user@[::1]:", "ssh://user@host", "user@ho st", "user@-oProxyCommand=x", "user@zz::qq", "user@host\n"} {
		t.Run("bad "+in, func(t *testing.T) {
			if got, err := sshx.ParseTarget(in); err == nil {
				t.Errorf("ParseTarget(%q) = %+v, want an error", in, got)
			}
		})
	}
}

func TestShellQuote(t *testing.T) {
	for _, s := range []string{"", "plain", "with space", "it's", `"double"`, "$HOME", "`id`", "$(id)", "a\nb", "tab\there",
		"back\\slash", "''", "'", "*?[a]", "semi;colon && x", "~user", "-n", "é ü 日本", "!bang", "trailing\\"} {
		out, err := exec.Command("sh", "-c", "printf %s "+sshx.ShellQuote(s)).Output()
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if string(out) != s {
			t.Errorf("ShellQuote(%q) = %s, which sh reads as %q", s, sshx.ShellQuote(s), out)
		}
	}
}
