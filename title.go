package main

import "path/filepath"

// windowTitle is the desktop window's title: the product, the project and the last run's state.
func windowTitle(dir, status string) string {
	t := "Eightfold — " + filepath.Base(dir)
	if status != "" {
		t += " — " + status
	}
	return t
}
