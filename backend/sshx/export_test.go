package sshx

import "time"

// SetKeepalive sets how often connections dialled from now on send keepalives and how long
// they wait for the answer, until restore is called.
func SetKeepalive(interval, timeout time.Duration) (restore func()) {
	i, t := keepaliveInterval, keepaliveTimeout
	keepaliveInterval, keepaliveTimeout = interval, timeout
	return func() { keepaliveInterval, keepaliveTimeout = i, t }
}
