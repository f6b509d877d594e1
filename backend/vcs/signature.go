package vcs

import (
	"fmt"
	"os"
	"strings"

	"github.com/go-git/go-git/v5/config"
)

// Signature is who makes a tag or a commit.
type Signature struct {
	Name  string
	Email string
}

// Identity returns the identity git itself would record as the tagger of a tag or the
// committer of a commit made in this repository: $GIT_COMMITTER_NAME and
// $GIT_COMMITTER_EMAIL first, then committer.name / committer.email, then user.name /
// user.email from git config (the repository's .git/config over the global ~/.gitconfig
// or $XDG_CONFIG_HOME/git/config over the system's /etc/gitconfig, which
// $GIT_CONFIG_NOSYSTEM leaves out), then $EMAIL for the email. Its error says which git
// config command sets what is missing.
func (r *Repo) Identity() (Signature, error) {
	scope := config.SystemScope
	if os.Getenv("GIT_CONFIG_NOSYSTEM") != "" {
		scope = config.GlobalScope
	}
	cfg, err := r.repo.ConfigScoped(scope)
	if err != nil {
		return Signature{}, fmt.Errorf("read the git config of %s: %w", r.dir, err)
	}
	sig := Signature{
		Name:  firstSet(os.Getenv("GIT_COMMITTER_NAME"), cfg.Committer.Name, cfg.User.Name),
		Email: firstSet(os.Getenv("GIT_COMMITTER_EMAIL"), cfg.Committer.Email, cfg.User.Email, os.Getenv("EMAIL")),
	}
	var fixes []string
	if sig.Name == "" {
		fixes = append(fixes, `git config --global user.name "Your Name"`)
	}
	if sig.Email == "" {
		fixes = append(fixes, `git config --global user.email "you@example.com"`)
	}
	if len(fixes) > 0 {
		return sig, fmt.Errorf("git does not know who you are in %s (tags and commits record a name and an email): run %s",
			r.dir, strings.Join(fixes, " and "))
	}
	return sig, nil
}

// firstSet returns the first of values that is not blank, trimmed.
func firstSet(values ...string) string {
	for _, v := range values {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}
