package main

import "eightfold/backend/workbench"

// ExportPreview renders the pipeline of eightfold.yaml for a CI engine ("github-actions" or
// "gitlab-ci") without writing it: the file's path and content, and its status against the
// file in the repository (new, unchanged, changed, hand-edited) with a diff summary.
func (a *App) ExportPreview(engine string) (workbench.CIExport, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.CIExport{}, err
	}
	return p.ExportPreview(engine)
}

// Export writes the pipeline for a CI engine; a hand-edited file is refused (conflict)
// unless force is set, and an unchanged one is left alone. A forced export overwrites only
// the file the person saw: existing is its sha256 from the preview (CIExport.Existing).
func (a *App) Export(engine string, force bool, existing string) (workbench.CIExport, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.CIExport{}, err
	}
	return p.Export(engine, force, existing)
}
