//go:build bindings

package main

// generatingBindings is true in the build that Wails' binding generator runs.
const generatingBindings = true
