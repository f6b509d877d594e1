package vcs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestIdentity(t *testing.T) {
	global := func(body string) func(t *testing.T, dir, home string) {
		return func(t *testing.T, dir, home string) { write(t, filepath.Join(home, ".gitconfig"), body) }
	}
	cases := []struct {
		name    string
		setup   func(t *testing.T, dir, home string)
		want    Signature
		wantErr []string // what the error must say
		notSaid string   // what it must not
	}{
		{name: "repository config", setup: func(t *testing.T, dir, home string) {
			gitCLI(t, dir, "config", "user.name", "Local Person")
			gitCLI(t, dir, "config", "user.email", "local@example.com")
		}, want: Signature{"Local Person", "local@example.com"}},
		{name: "global ~/.gitconfig under HOME", setup: global("[user]\n\tname = Global Person\n\temail = global@example.com\n"),
			want: Signature{"Global Person", "global@example.com"}},
		{name: "repository config over global, key by key", setup: func(t *testing.T, dir, home string) {
			global("[user]\n\tname = Global Person\n\temail = global@example.com\n")(t, dir, home)
			gitCLI(t, dir, "config", "user.name", "Local Person")
		}, want: Signature{"Local Person", "global@example.com"}},
		{name: "XDG config", setup: func(t *testing.T, dir, home string) {
			xdg := filepath.Join(home, "xdg")
			t.Setenv("XDG_CONFIG_HOME", xdg)
			if err := os.MkdirAll(filepath.Join(xdg, "git"), 0o755); err != nil {
				t.Fatal(err)
			}
			write(t, filepath.Join(xdg, "git", "config"), "[user]\n\tname = Xdg Person\n\temail = xdg@example.com\n")
		}, want: Signature{"Xdg Person", "xdg@example.com"}},
		{name: "committer.name over user.name", setup: global("[user]\n\tname = User\n\temail = u@example.com\n[committer]\n\tname = Committer\n"),
			want: Signature{"Committer", "u@example.com"}},
		{name: "environment over config", setup: func(t *testing.T, dir, home string) {
			gitCLI(t, dir, "config", "user.name", "Local Person")
			gitCLI(t, dir, "config", "user.email", "local@example.com")
			t.Setenv("GIT_COMMITTER_NAME", "Env Person")
			t.Setenv("GIT_COMMITTER_EMAIL", "env@example.com")
		}, want: Signature{"Env Person", "env@example.com"}},
		{name: "nothing set", setup: func(t *testing.T, dir, home string) {},
			wantErr: []string{`git config --global user.name "Your Name"`, `git config --global user.email`}},
		{name: "no email", setup: global("[user]\n\tname = Global Person\n"),
			wantErr: []string{`run git config --global user.email "you@example.com"`}, notSaid: "user.name"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			home := isolateGit(t)
			dir, r := committedRepo(t)
			c.setup(t, dir, home)
			got, err := r.Identity()
			if c.wantErr == nil {
				if err != nil || got != c.want {
					t.Fatalf("Identity() = %+v, %v; want %+v", got, err, c.want)
				}
				return
			}
			for _, w := range c.wantErr {
				if err == nil || !strings.Contains(err.Error(), w) {
					t.Errorf("error %v does not say %q", err, w)
				}
			}
			if c.notSaid != "" && err != nil && strings.Contains(err.Error(), c.notSaid) {
				t.Errorf("error %v mentions %s, which is set", err, c.notSaid)
			}
		})
	}
}
