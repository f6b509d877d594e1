package workbench

// Places lists the stages of the DevOps loop in navigation order, with whether each one works
// in this version and, when not, a plain note saying so.
func Places() []Place {
	return []Place{
		{ID: "plan", Title: "Plan", Ready: true, Note: "Cards follow their commits and branches to Code, green runs to Verified and releases to Released, and deploys to Staging and Production."},
		{ID: "code", Title: "Code", Note: "The Code view (changes, watch mode, rerun on save) has not landed yet. The header shows the branch, commit and uncommitted changes."},
		{ID: "build", Title: "Build & Test", Ready: true},
		{ID: "release", Title: "Release", Ready: true},
		{ID: "deploy", Title: "Deploy", Ready: true},
		{ID: "operate", Title: "Operate", Ready: true},
		{ID: "monitor", Title: "Monitor", Ready: true},
	}
}
