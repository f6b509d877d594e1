package main

import "errors"

// formatError is the desktop face's Wails ErrorFormatter: the frontend gets {code, message}
// instead of a bare string, with the code of the core's error ("internal" when it has none),
// as the browser face's HTTP errors carry it.
func formatError(err error) any {
	code := "internal"
	var coded interface{ Code() string }
	if errors.As(err, &coded) {
		code = coded.Code()
	}
	return map[string]string{"code": code, "message": err.Error()}
}
