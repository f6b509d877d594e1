package watch

import (
	"bytes"
	"cmp"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/go-git/go-git/v5/plumbing/format/config"
	"github.com/go-git/go-git/v5/plumbing/format/gitignore"
)

// builtinIgnores are ignored in every repository, below every other rule
// (a .gitignore can re-include them with "!"). The .git directory is not
// among them: it is never watched.
var builtinIgnores = []string{
	"node_modules/",
	// vim: swap files (.x.swp, then .x.swo, .x.swn, … for more sessions),
	// the file it writes to test a directory, and backups.
	"*.swp", "*.swo", "*.swx", ".*.sw[a-n]", "4913", "*~",
	// emacs: lock files and auto-save files (backups are *~).
	".#*", `\#*#`,
	// JetBrains IDEs' "safe write".
	"*___jb_tmp___", "*___jb_old___",
	// kate's swap files.
	".*.kate-swp",
	// VS Code saves in place; its atomic writes go through x.vsctmp.
	"*.vsctmp",
	// go build's probe of the umask next to its output.
	"*-go-tmp-umask",
}

// ignored says whether the entry name in directory n is ignored. The
// directory itself is known not to be.
func (w *Watcher) ignored(n *dirNode, name string, isDir bool) bool {
	if name == ".git" {
		return true
	}
	path := append(n.parts[:len(n.parts):len(n.parts)], name)
	if r := match(w.override, path, isDir); r != gitignore.NoMatch {
		return r == gitignore.Exclude
	}
	return match(n.rules, path, isDir) == gitignore.Exclude
}

// match returns the verdict of the last pattern in ps that matches path, the
// components of a path relative to Root.
func match(ps []gitignore.Pattern, path []string, isDir bool) gitignore.MatchResult {
	for i := len(ps) - 1; i >= 0; i-- {
		if r := ps[i].Match(path, isDir); r != gitignore.NoMatch {
			return r
		}
	}
	return gitignore.NoMatch
}

// rulesFor returns the patterns that apply inside n: its parent's (or the
// base rules, for Root) followed by those of its own .gitignore, if entries
// (n's directory listing) has one.
func (w *Watcher) rulesFor(n *dirNode, entries []os.DirEntry) []gitignore.Pattern {
	inherited := w.base
	if n.parent != nil {
		inherited = n.parent.rules
	}
	if !slices.ContainsFunc(entries, func(e os.DirEntry) bool { return e.Name() == ".gitignore" && !e.IsDir() }) {
		return inherited
	}
	own := readPatterns(filepath.Join(n.path, ".gitignore"), n.parts)
	if len(own) == 0 {
		return inherited
	}
	return append(slices.Clip(inherited), own...)
}

// baseRules returns the rules below every .gitignore, lowest priority first:
// the built-ins, the user's global excludes file and .git/info/exclude.
func baseRules(root string) []gitignore.Pattern {
	ps := parsePatterns(builtinIgnores, nil)
	gitDir := commonGitDir(root)
	ps = append(ps, readPatterns(excludesFile(gitDir), nil)...)
	if gitDir != "" {
		ps = append(ps, readPatterns(filepath.Join(gitDir, "info", "exclude"), nil)...)
	}
	return ps
}

// readPatterns parses the gitignore-syntax file at path, whose patterns are
// relative to the directory with components domain. A missing or unreadable
// file has no patterns.
func readPatterns(path string, domain []string) []gitignore.Pattern {
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	return parsePatterns(strings.Split(string(data), "\n"), domain)
}

// parsePatterns parses gitignore lines, skipping blank lines and comments.
func parsePatterns(lines []string, domain []string) []gitignore.Pattern {
	var ps []gitignore.Pattern
	for _, line := range lines {
		line = strings.TrimSuffix(line, "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		ps = append(ps, gitignore.ParsePattern(line, domain))
	}
	return ps
}

// commonGitDir returns the git directory that holds root's config and
// info/exclude, following the .git file of a linked worktree or submodule,
// or "" when root has no .git.
func commonGitDir(root string) string {
	dir := filepath.Join(root, ".git")
	info, err := os.Stat(dir)
	if err != nil {
		return ""
	}
	if !info.IsDir() {
		data, err := os.ReadFile(dir)
		target, ok := strings.CutPrefix(string(data), "gitdir:")
		if err != nil || !ok {
			return ""
		}
		dir = resolve(root, strings.TrimSpace(target))
	}
	if data, err := os.ReadFile(filepath.Join(dir, "commondir")); err == nil {
		dir = resolve(dir, strings.TrimSpace(string(data)))
	}
	return dir
}

// excludesFile returns the user's global excludes file: core.excludesFile
// from git's system, global and repository config (the last one set wins),
// else $XDG_CONFIG_HOME/git/ignore or ~/.config/git/ignore.
func excludesFile(gitDir string) string {
	var file string
	for _, cfg := range configFiles(gitDir) {
		if v := configValue(cfg, "core", "excludesfile"); v != "" {
			file = v
		}
	}
	if file == "" {
		return configHome("git", "ignore")
	}
	if rest, ok := strings.CutPrefix(file, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		return filepath.Join(home, rest)
	}
	return file
}

// configFiles lists the git config files in the order git reads them,
// honouring GIT_CONFIG_NOSYSTEM, GIT_CONFIG_SYSTEM and GIT_CONFIG_GLOBAL.
func configFiles(gitDir string) []string {
	var files []string
	if os.Getenv("GIT_CONFIG_NOSYSTEM") == "" {
		files = append(files, cmp.Or(os.Getenv("GIT_CONFIG_SYSTEM"), "/etc/gitconfig"))
	}
	if global := os.Getenv("GIT_CONFIG_GLOBAL"); global != "" {
		files = append(files, global)
	} else {
		files = append(files, configHome("git", "config"))
		if home, err := os.UserHomeDir(); err == nil {
			files = append(files, filepath.Join(home, ".gitconfig"))
		}
	}
	if gitDir != "" {
		files = append(files, filepath.Join(gitDir, "config"))
	}
	return files
}

// configValue returns section.key from the git config file at path, or ""
// when the file or the key is missing or the file does not parse.
func configValue(path, section, key string) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	cfg := config.New()
	if err := config.NewDecoder(bytes.NewReader(data)).Decode(cfg); err != nil {
		return ""
	}
	var value string
	for _, s := range cfg.Sections { // a section may appear more than once
		if s.IsName(section) && s.HasOption(key) {
			value = s.Option(key)
		}
	}
	return value
}

// configHome joins elem to $XDG_CONFIG_HOME, or to ~/.config when that is
// unset; it returns "" when neither is known.
func configHome(elem ...string) string {
	dir := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(dir) {
		home, err := os.UserHomeDir()
		if err != nil {
			return ""
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(append([]string{dir}, elem...)...)
}

// resolve returns path, made absolute against dir when it is relative.
func resolve(dir, path string) string {
	if filepath.IsAbs(path) {
		return path
	}
	return filepath.Join(dir, path)
}
