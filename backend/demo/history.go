package demo

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"eightfold/backend/workbench"
)

// Author is who makes the demo's commits (and, through the repository's own git config,
// its release tags): never the user's identity, and never the user's git config.
var Author = struct{ Name, Email string }{"Eightfold Demo", "demo@eightfold.invalid"}

// commit is one commit of the demo's history: files (by path) as the project ends up with
// them, changed by before into what they were at this commit.
type commit struct {
	message string
	files   []string
	before  []Edit
}

// history is the demo's git history, oldest first. The cards it names are those of cards.
var history = []commit{
	{message: "chore: start the shop module", files: []string{"go.mod", ".gitignore"}},
	{message: "feat: price orders, with free shipping from 50.00\n\nCloses #1", files: []string{"cart.go", "cart_test.go"},
		before: []Edit{BreakTest, {File: "cart_test.go", Old: `{"exactly 50.00 ships free", []Item{{"mug", 4}}, 5000},`}}},
	{message: "feat: serve the catalogue and quotes over HTTP\n\nCloses #2", files: []string{"main.go", "main_test.go"}},
	{message: "fix: ship orders of exactly 50.00 free\n\nThey were charged 4.95 shipping.\n\nCloses #3", files: []string{"cart.go", "cart_test.go"}},
	{message: "chore: build, test and deploy the shop with eightfold\n\nRefs #4", files: []string{"eightfold.yaml"}},
	{message: "docs: how to run the shop", files: []string{"README.md"}},
}

// card is a card of the demo's board.
type card struct{ title, description string }

// cards are the demo's cards, numbered #1, #2… in this order on a new board.
var cards = []card{
	{"Price an order, shipping included", "Shipping costs 4.95; orders of **50.00 and more** ship free."},
	{"Serve the catalogue and quotes over HTTP", "`GET /api/products`, `POST /api/quote` and `GET /healthz` with the running version."},
	{"Orders of exactly 50.00 are charged shipping", "Reported by a customer: a 4-mug order paid 54.95."},
	{"Deploy to staging and production", "Two local targets: see `targets:` in eightfold.yaml."},
	{"Discount code for returning customers", "10% off with a code; the code is checked at quote time."},
	{"Page someone when production is down", "An open incident on production for more than 5 minutes pages the on-call."},
}

// writeHistory makes the git repository, the board and then the commits that close its
// cards, and scans the commits so that the cards follow them. The cards come before the
// commits because a scan links commits only to cards that exist.
func writeHistory(res *Result, files map[string]string, home string) error {
	repo, err := initRepo(res.Dir)
	if err != nil {
		return err
	}
	p, err := workbench.OpenInDataDir(home, res.Dir, nil)
	if err != nil {
		return err
	}
	defer p.Close()
	for _, c := range cards {
		if _, err := p.AddCard(workbench.NewCard{Title: c.title, Description: c.description}); err != nil {
			return fmt.Errorf("add the demo's card %q: %w", c.title, err)
		}
	}
	now := time.Now()
	for i, c := range history { // a commit every 19 hours, the last 19 hours ago
		when := now.Add(-time.Duration(len(history)-i) * 19 * time.Hour)
		if err := commitFiles(repo, res.Dir, c, files, when); err != nil {
			return err
		}
	}
	scan, err := p.ScanCommits()
	if err != nil {
		return fmt.Errorf("link the demo's cards to its commits: %w", err)
	}
	res.Commits, res.Cards, res.Linked = len(history), len(cards), scan.Cards
	return nil
}

// initRepo makes a git repository on branch main whose own config names the demo's author,
// so that releases can tag without a git identity of the user's.
func initRepo(dir string) (*git.Repository, error) {
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")}})
	if err != nil {
		return nil, fmt.Errorf("make the demo's git repository: %w", err)
	}
	cfg, err := repo.Config()
	if err != nil {
		return nil, fmt.Errorf("read the demo's git config: %w", err)
	}
	cfg.User.Name, cfg.User.Email = Author.Name, Author.Email
	if err := repo.SetConfig(cfg); err != nil {
		return nil, fmt.Errorf("write the demo's git config: %w", err)
	}
	return repo, nil
}

// commitFiles writes c's files as they were at c and commits them, dated when.
func commitFiles(repo *git.Repository, dir string, c commit, files map[string]string, when time.Time) error {
	wt, err := repo.Worktree()
	if err != nil {
		return err
	}
	for _, name := range c.files {
		text := files[name]
		for _, e := range c.before {
			if e.File == name {
				if text, err = e.applyTo(text); err != nil {
					return err
				}
			}
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return fmt.Errorf("write the demo's %s: %w", name, err)
		}
		if _, err := wt.Add(name); err != nil {
			return fmt.Errorf("stage the demo's %s: %w", name, err)
		}
	}
	sig := &object.Signature{Name: Author.Name, Email: Author.Email, When: when}
	if _, err := wt.Commit(c.message, &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
		return fmt.Errorf("commit %q in the demo: %w", c.message, err)
	}
	return nil
}
