package runner

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExitStatus(t *testing.T) {
	tests := []struct {
		name    string
		command string
		status  Status
		code    int
		meta    string // substring of the Meta output, "" for none
	}{
		{"exit 0", "exit 0", Passed, 0, ""},
		{"exit 1", "exit 1", Failed, 1, ""},
		{"exit 42", "exit 42", Failed, 42, ""},
		{"last command fails", "true; false", Failed, 1, ""},
		{"command not found", "no-such-command-eightfold", Failed, 127, ""},
		{"killed by a signal", "kill -KILL $$", Failed, -1, "killed by a signal (killed)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := newRecorder()
			res := run(t, t.Context(), Spec{Name: "s", Command: tt.command}, rec)
			if res.Status != tt.status || res.ExitCode != tt.code {
				t.Errorf("got %v/%d, want %v/%d", res.Status, res.ExitCode, tt.status, tt.code)
			}
			meta := rec.text(Meta)
			if tt.meta == "" && meta != "" || !strings.Contains(meta, tt.meta) {
				t.Errorf("meta output %q, want it to contain %q", meta, tt.meta)
			}
			if res.Err != nil {
				t.Errorf("Err = %v, want nil", res.Err)
			}
			if res.Started.IsZero() || res.Finished.Before(res.Started) {
				t.Errorf("Started %v, Finished %v", res.Started, res.Finished)
			}
		})
	}
}

func TestEnvironmentAndDir(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("EIGHTFOLD_RUNNER_INHERITED", "from-parent")
	tests := []struct {
		name string
		spec Spec
		want string
	}{
		{
			name: "explicit env replaces the parent's",
			spec: Spec{Env: []string{"FOO=bar baz", "PATH=" + os.Getenv("PATH")},
				Command: `printf '%s|%s' "$FOO" "${EIGHTFOLD_RUNNER_INHERITED-unset}"`},
			want: "bar baz|unset",
		},
		{
			name: "nil env inherits",
			spec: Spec{Command: `printf '%s' "$EIGHTFOLD_RUNNER_INHERITED"`},
			want: "from-parent",
		},
		{
			name: "working directory",
			spec: Spec{Dir: dir, Command: `pwd -P`},
			want: mustEvalSymlinks(t, dir) + "\n",
		},
		{
			name: "PWD follows the working directory",
			spec: Spec{Dir: dir, Env: []string{"PWD=/wrong"}, Command: `printf '%s' "$PWD"`},
			want: dir,
		},
		{
			name: "stdin is /dev/null",
			spec: Spec{Command: `cat; echo "eof $?"`},
			want: "eof 0\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			tt.spec.Name = "env"
			res := run(t, t.Context(), tt.spec, rec)
			if res.Status != Passed {
				t.Fatalf("status %v, stderr %q", res.Status, rec.text(Stderr))
			}
			if got := rec.text(Stdout); got != tt.want {
				t.Errorf("stdout %q, want %q", got, tt.want)
			}
		})
	}
}

func mustEvalSymlinks(t *testing.T, path string) string {
	t.Helper()
	p, err := filepath.EvalSymlinks(path)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStartErrors(t *testing.T) {
	tmp := t.TempDir()
	file := filepath.Join(tmp, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(tmp, "missing")
	tests := []struct {
		name  string
		dir   string
		is    error
		wants []string
	}{
		{"missing dir", missing, fs.ErrNotExist,
			[]string{`step "build"`, "working directory " + missing + " does not exist", "create it"}},
		{"dir is a file", file, fs.ErrInvalid,
			[]string{`step "build"`, file + " is not a directory"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := newRecorder()
			marker := filepath.Join(tmp, "ran")
			res := run(t, t.Context(), Spec{Name: "build", Dir: tt.dir, Command: "touch " + marker}, rec)
			if res.Status != Error || res.ExitCode != -1 {
				t.Fatalf("got %v/%d, want error/-1", res.Status, res.ExitCode)
			}
			var se *StartError
			if !errors.As(res.Err, &se) || !errors.Is(res.Err, tt.is) {
				t.Errorf("Err = %#v, want a *StartError wrapping %v", res.Err, tt.is)
			}
			for _, w := range tt.wants {
				if !strings.Contains(res.Err.Error(), w) {
					t.Errorf("message %q does not contain %q", res.Err, w)
				}
			}
			if meta := rec.text(Meta); !strings.Contains(meta, res.Err.Error()) {
				t.Errorf("meta output %q does not carry the error", meta)
			}
			if _, err := os.Stat(marker); err == nil {
				t.Error("the command ran")
			}
		})
	}
}

func TestCancelledBeforeStart(t *testing.T) {
	marker := filepath.Join(t.TempDir(), "ran")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	rec := newRecorder()
	res := run(t, ctx, Spec{Name: "s", Command: "touch " + marker}, rec)
	if res.Status != Cancelled || res.ExitCode != -1 {
		t.Errorf("got %v/%d, want cancelled/-1", res.Status, res.ExitCode)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("the command ran")
	}
	if meta := rec.text(Meta); !strings.Contains(meta, "cancelled") {
		t.Errorf("meta output %q", meta)
	}
}

// TestInterleaving checks that chunks reach the sink in the order the
// process wrote them, across stdout and stderr. The sleeps only give the
// reader goroutines time to pick up each write before the next one.
func TestInterleaving(t *testing.T) {
	rec := newRecorder()
	res := run(t, t.Context(), Spec{Name: "s",
		Command: "echo a; sleep 0.3; echo b >&2; sleep 0.3; echo c; sleep 0.3; echo d >&2"}, rec)
	if res.Status != Passed {
		t.Fatalf("status %v", res.Status)
	}
	var got []string
	for _, c := range rec.chunks {
		got = append(got, c.Stream.String()+":"+string(c.Data))
	}
	want := []string{"stdout:a\n", "stderr:b\n", "stdout:c\n", "stderr:d\n"}
	if strings.Join(got, "") != strings.Join(want, "") {
		t.Errorf("chunks %q, want %q", got, want)
	}
	for i := 1; i < len(rec.chunks); i++ {
		if rec.chunks[i].Time.Before(rec.chunks[i-1].Time) {
			t.Errorf("chunk %d is timestamped before chunk %d", i, i-1)
		}
	}
	if res.OutputBytes != 8 {
		t.Errorf("OutputBytes = %d, want 8", res.OutputBytes)
	}
}

func TestStrings(t *testing.T) {
	statuses := map[Status]string{Passed: "passed", Failed: "failed", TimedOut: "timeout",
		Cancelled: "cancelled", Error: "error", 0: "unknown"}
	for s, want := range statuses {
		if s.String() != want {
			t.Errorf("Status(%d).String() = %q, want %q", s, s.String(), want)
		}
	}
	streams := map[Stream]string{Stdout: "stdout", Stderr: "stderr", Meta: "meta", 0: "unknown"}
	for s, want := range streams {
		if s.String() != want {
			t.Errorf("Stream(%d).String() = %q, want %q", s, s.String(), want)
		}
	}
}

func TestNilSink(t *testing.T) {
	res := Run(t.Context(), Spec{Name: "s", Command: "echo hi; echo there >&2"}, nil)
	if res.Status != Passed || res.OutputBytes != 9 {
		t.Errorf("got %v with %d bytes, want passed with 9", res.Status, res.OutputBytes)
	}
}
