package watch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBuiltinIgnores(t *testing.T) {
	t.Parallel()
	w := &Watcher{}
	root := &dirNode{rules: parsePatterns(builtinIgnores, nil)}
	sub := root.child("pkg")
	sub.rules = root.rules
	tests := []struct {
		name    string
		isDir   bool
		ignored bool
	}{
		{"main.go", false, false},
		{".git", true, true},
		{".git", false, true}, // a worktree's or submodule's .git file
		{"node_modules", true, true},
		{"node_modules", false, false},
		{".main.go.swp", false, true},
		{".main.go.swo", false, true},
		{".main.go.swn", false, true},
		{"main.go.swx", false, true},
		{"4913", false, true},
		{"main.go~", false, true},
		{".#main.go", false, true},
		{"#main.go#", false, true},
		{"main.go___jb_tmp___", false, true},
		{"main.go___jb_old___", false, true},
		{".main.go.kate-swp", false, true},
		{"main.go.vsctmp", false, true},
		{"app-go-tmp-umask", false, true},
		// Not editor droppings: people keep such files in repositories.
		{"data.tmp", false, false},
		{"movie.swf", false, false},
		{"notes.swan", false, false},
		{".env", false, false},
	}
	for _, tt := range tests {
		for _, dir := range []*dirNode{root, sub} {
			if got := w.ignored(dir, tt.name, tt.isDir); got != tt.ignored {
				t.Errorf("ignored(%q in %q, dir=%v) = %v, want %v", tt.name, dir.parts, tt.isDir, got, tt.ignored)
			}
		}
	}
}

func TestEditorFilesMakeNoBatch(t *testing.T) {
	t.Parallel()
	root := newTree(t, "main.go")
	w := watchTree(t, root, Options{})
	for _, name := range []string{
		".main.go.swp", ".main.go.swx", "4913", "main.go~", // vim
		"#main.go#",                                  // emacs auto-save
		"main.go___jb_tmp___", "main.go___jb_old___", // JetBrains
		".main.go.kate-swp", // kate
		"main.go.vsctmp",    // VS Code
		"main-go-tmp-umask", // go build
	} {
		path := filepath.Join(root, name)
		writeFile(t, path, "x")
		writeFile(t, path, "xy")
		must(t, os.Rename(path, path+".moved~"))
		must(t, os.Remove(path+".moved~"))
	}
	lock := filepath.Join(root, ".#main.go") // emacs locks with a dangling symlink
	must(t, os.Symlink("me@host.1234:1700000000", lock))
	must(t, os.Remove(lock))
	collect(t, w, sentinel(t, root))
}

func TestGitignoreFiles(t *testing.T) {
	t.Parallel()
	root := newTree(t,
		".gitignore", "sub/.gitignore", "bin/app", "node_modules/left-pad/index.js", ".git/HEAD",
		"sub/deep/", "docs/")
	writeFile(t, filepath.Join(root, ".gitignore"), "# build output\nbin/\n*.log\n!keep.log\n")
	writeFile(t, filepath.Join(root, "sub/.gitignore"), "gen/\r\n*.out\r\n/only-here.txt\r\n")
	w := watchTree(t, root, Options{})
	expectDirs(t, w, 4) // root, sub, sub/deep, docs
	for _, rel := range []string{
		"bin/app", "bin/new/x", "node_modules/left-pad/index.js", ".git/HEAD", ".git/objects/ab/cdef",
		"x.log", "sub/x.log", "sub/y.out", "sub/deep/z.out", "sub/gen/a.go", "sub/deep/gen/b.go",
		"sub/only-here.txt",
	} {
		writeFile(t, filepath.Join(root, rel), "x")
	}
	must(t, os.RemoveAll(filepath.Join(root, "bin")))
	must(t, os.Mkdir(filepath.Join(root, "bin"), 0o755))
	// Patterns of sub/.gitignore apply below sub/ only.
	writeFile(t, filepath.Join(root, "y.out"), "x")
	writeFile(t, filepath.Join(root, "sub/deep/only-here.txt"), "x")
	writeFile(t, filepath.Join(root, "keep.log"), "x")
	collect(t, w, "y.out", "sub/deep/only-here.txt", "keep.log", sentinel(t, root))
	expectDirs(t, w, 4, "ignored directories are not watched")
}

func TestGitignoreChangeIsReread(t *testing.T) {
	t.Parallel()
	root := newTree(t, "docs/a.md", "docs/img/")
	w := watchTree(t, root, Options{})
	waitDirs(t, w, 3)

	writeFile(t, filepath.Join(root, ".gitignore"), "docs/\n")
	collect(t, w, ".gitignore")
	expectDirs(t, w, 1, "after ignoring docs/")
	writeFile(t, filepath.Join(root, "docs/b.md"), "x")
	collect(t, w, sentinel(t, root))

	// Un-ignored directories are watched again; their files count as changed.
	must(t, os.Remove(filepath.Join(root, ".gitignore")))
	collect(t, w, ".gitignore", "docs/a.md", "docs/b.md")
	expectDirs(t, w, 3, "after removing .gitignore")
	expectNewFiles(t, w, root, "docs/img/c.png")
}

func TestGitignoreIsReadWhenTheBurstEnds(t *testing.T) {
	t.Parallel()
	root := bigIgnoredTree(t)
	w := watchTree(t, root, Options{Debounce: burstDebounce})
	saveInPlace(t, filepath.Join(root, ".gitignore"), "big/\n", 10*time.Millisecond)
	collect(t, w, ".gitignore")
	expectDirs(t, w, 2, "big/ was watched while .gitignore was empty")
}

func TestExcludeAndExtraPatterns(t *testing.T) {
	t.Parallel()
	root := newTree(t, ".git/info/", "tmp/", "src/")
	writeFile(t, filepath.Join(root, ".git/info/exclude"), "secret.txt\n")
	// Options.Ignore beats the repository's own rules.
	writeFile(t, filepath.Join(root, ".gitignore"), "!keep.bak\n")
	w := watchTree(t, root, Options{Ignore: []string{"tmp/", "*.bak", "/top-only.txt", "", "# comment"}})
	expectDirs(t, w, 2) // root, src
	for _, rel := range []string{"secret.txt", "src/secret.txt", "tmp/x", "a.bak", "keep.bak", "top-only.txt"} {
		writeFile(t, filepath.Join(root, rel), "x")
	}
	writeFile(t, filepath.Join(root, "src/top-only.txt"), "x")
	collect(t, w, "src/top-only.txt", sentinel(t, root))
}

func TestGlobalExcludes(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, home string)
	}{
		{"XDG_CONFIG_HOME/git/ignore", func(t *testing.T, home string) {
			xdg := filepath.Join(home, "xdg")
			t.Setenv("XDG_CONFIG_HOME", xdg)
			writeFile(t, filepath.Join(xdg, "git/ignore"), "*.glob\n")
		}},
		{"~/.config/git/ignore without XDG_CONFIG_HOME", func(t *testing.T, home string) {
			t.Setenv("XDG_CONFIG_HOME", "")
			writeFile(t, filepath.Join(home, ".config/git/ignore"), "*.glob\n")
		}},
		{"core.excludesFile in ~/.gitconfig", func(t *testing.T, home string) {
			writeFile(t, filepath.Join(home, ".gitconfig"),
				"[core]\n\tautocrlf = false\n[user]\n\tname = x\n[core]\n\texcludesFile = ~/my-ignores\n")
			writeFile(t, filepath.Join(home, "my-ignores"), "*.glob\n")
			// The default file is not read when core.excludesFile is set.
			writeFile(t, filepath.Join(home, ".config/git/ignore"), "*.txt\n")
		}},
		{"core.excludesFile in GIT_CONFIG_GLOBAL", func(t *testing.T, home string) {
			cfg := filepath.Join(home, "elsewhere.cfg")
			t.Setenv("GIT_CONFIG_GLOBAL", cfg)
			writeFile(t, cfg, "[core]\n\texcludesfile = "+filepath.Join(home, "ign")+"\n")
			writeFile(t, filepath.Join(home, "ign"), "*.glob\n")
			writeFile(t, filepath.Join(home, ".gitconfig"), "[core]\n\texcludesFile = ~/unused\n")
			writeFile(t, filepath.Join(home, "unused"), "*.txt\n")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			home := t.TempDir()
			t.Setenv("HOME", home)
			t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
			tt.setup(t, home)
			root := t.TempDir()
			w := watchTree(t, root, Options{})
			writeFile(t, filepath.Join(root, "a.glob"), "x")
			collect(t, w, sentinel(t, root))
		})
	}
}

func TestWorktreeGitDir(t *testing.T) {
	t.Parallel()
	main := t.TempDir()
	mkTree(t, main, ".git/worktrees/wt/")
	writeFile(t, filepath.Join(main, ".git/worktrees/wt/commondir"), "../..\n")
	writeFile(t, filepath.Join(main, ".git/info/exclude"), "*.excluded\n")
	wt := t.TempDir()
	writeFile(t, filepath.Join(wt, ".git"), "gitdir: "+filepath.Join(main, ".git/worktrees/wt")+"\n")
	if got, want := commonGitDir(wt), filepath.Join(main, ".git"); got != want {
		t.Fatalf("commonGitDir = %q, want %q", got, want)
	}
	w := watchTree(t, wt, Options{})
	writeFile(t, filepath.Join(wt, "x.excluded"), "x")
	collect(t, w, sentinel(t, wt))
}

// FuzzIgnoreRules feeds arbitrary .gitignore contents and names through the
// parser and matcher: nothing may panic.
func FuzzIgnoreRules(f *testing.F) {
	f.Add("bin/\n*.log\n!keep.log\n/top\na/**/b\n\\#x\n", "keep.log")
	f.Add("**\n/\n!\n\\\n[\n", "x")
	f.Fuzz(func(t *testing.T, gitignore, name string) {
		if name == "" || strings.Contains(name, "/") {
			t.Skip()
		}
		w := &Watcher{override: parsePatterns([]string{"tmp/"}, nil)}
		n := (&dirNode{}).child("sub")
		n.rules = parsePatterns(strings.Split(gitignore, "\n"), n.parts)
		w.ignored(n, name, false)
		w.ignored(n, name, true)
	})
}
