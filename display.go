package main

import (
	"fmt"
	"os"

	"eightfold/backend/cli"
)

// needDisplay returns cli.ErrNoDisplay (so that `open` falls back to the browser face) when
// there is no X11 or Wayland display to open a window on.
func needDisplay() error {
	if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return fmt.Errorf("%w ($DISPLAY and $WAYLAND_DISPLAY are empty)", cli.ErrNoDisplay)
	}
	return nil
}
