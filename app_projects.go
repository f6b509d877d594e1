package main

import "eightfold/backend/workbench"

// Projects lists the open projects (which is current, each one's last run and whether it is
// watched) and the recent ones, newest first, noting those whose folder is gone.
func (a *App) Projects() (workbench.ProjectsInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.ProjectsInfo{}, err
	}
	return a.workspace.Projects()
}

// OpenProject opens the folder at path (absolute, or starting with ~) with its own watcher
// and health checks, or switches to it when it is open already; it becomes the current
// project. A folder that is not a git repository opens too.
func (a *App) OpenProject(path string) (workbench.ProjectInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.ProjectInfo{}, err
	}
	dir, err := workbench.FolderPath(path)
	if err != nil {
		return workbench.ProjectInfo{}, err
	}
	p, err := a.workspace.Open(dir)
	if err != nil {
		return workbench.ProjectInfo{}, err
	}
	return p.Info()
}

// CloseProject stops the watcher and checks of the open project at path and closes it;
// when it was current, the one made current before it is current again, or none.
func (a *App) CloseProject(path string) (workbench.ProjectsInfo, error) {
	if err := a.ready(); err != nil {
		return workbench.ProjectsInfo{}, err
	}
	dir, err := workbench.FolderPath(path)
	if err != nil {
		return workbench.ProjectsInfo{}, err
	}
	if err := a.workspace.CloseProject(dir); err != nil {
		return workbench.ProjectsInfo{}, err
	}
	return a.workspace.Projects()
}

// ConfigPreview is the commented eightfold.yaml Eightfold would write into the current
// project, what its steps were detected from, and whether the project has a config already.
func (a *App) ConfigPreview() (workbench.ConfigPreview, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.ConfigPreview{}, err
	}
	return p.ConfigPreview()
}

// WriteConfig writes that eightfold.yaml into the current project and returns the project
// as it now reads; an existing config is never overwritten. Nothing is committed.
func (a *App) WriteConfig() (workbench.ProjectInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.ProjectInfo{}, err
	}
	return p.WriteConfig()
}

// InitGit makes the current project a git repository on branch main, with nothing
// committed, and returns the project as it now reads.
func (a *App) InitGit() (workbench.ProjectInfo, error) {
	p, err := a.cur()
	if err != nil {
		return workbench.ProjectInfo{}, err
	}
	return p.InitGit()
}
