// Package health runs one HTTP health check with Gatus-style conditions: the status, a body
// substring, a JSON field's value and the response time. Probe makes one attempt; Gate polls
// until an attempt passes or a deadline passes (the health gate of a deploy).
//
// Decisions, the same for every caller:
//
//   - Redirects are not followed. A 3xx answer is the answer, checked against Status like any
//     other (write status: 301 to expect one). Gatus follows redirects unless
//     client.ignore-redirect is set; a health check must not: an app that redirects its health
//     URL to a login page would look healthy on the login page's 200, and a candidate release
//     checked on its own port (blue-green) could be redirected to the release it is meant to
//     replace.
//   - Every probe opens a new connection: a fresh transport per probe, keep-alives off. A reused
//     connection can belong to the process a restart just replaced, and the point of the check
//     is that the app accepts new connections now.
//   - No proxy from the environment: the check talks to the app itself, and the result must
//     not depend on HTTP_PROXY in the shell that started Eightfold.
//   - TLS certificates are verified (against Check.RootCAs when set, else the system's roots).
//     An invalid certificate is a failed check.
//   - No state is shared between checks or probes: no global client, no cache.
package health

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode/utf8"
)

// Defaults and limits.
const (
	DefaultStatus  = http.StatusOK
	DefaultTimeout = 5 * time.Second
	MaxBody        = 1 << 20 // bytes of the body read and checked; the rest is not read
	LogBody        = 1 << 10 // bytes of the body kept in Result.Body
	userAgent      = "eightfold-health/1"
)

// Check is an HTTP health check, Gatus-style conditions.
type Check struct {
	URL        string        // http:// or https://
	Status     int           // expected status; 0 → 200
	Body       string        // optional: the body must contain this substring
	JSONField  string        // optional: a dotted path into a JSON body, e.g. "status" or "build.version" (arrays by index "items.0.id")
	JSONEquals string        // with JSONField: the field's value, compared as text (strings unquoted, numbers and bools as JSON prints them)
	MaxTime    time.Duration // optional: the response must come within this (response time condition)
	Timeout    time.Duration // per attempt; 0 → 5 s

	RootCAs *x509.CertPool // optional: the roots that https certificates must chain to; nil: the system's
	// Dial, when set, makes the connection of each probe instead of a direct dial from this
	// machine: for example a dial through an SSH connection, so that a URL on the server's
	// loopback (http://127.0.0.1:8080/healthz) is checked from the server's side. Still one
	// new connection per probe.
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Result is the outcome of one probe.
type Result struct {
	OK          bool
	Status      int           // the response's status; 0 when there was none
	Took        time.Duration // from sending the request to the end of the body read (the response time)
	Reason      string        // "" when OK; else what failed, e.g. `status 503, want 200` or `connection refused`
	Body        string        // the first LogBody bytes of the body (cut at a character boundary), for logs
	CertExpires time.Time     // https: when the server's certificate expires; zero otherwise

	cut bool // ended by ctx (canceled or past its deadline), not by the server or the probe's timeout
}

// Probe makes one attempt: a GET of c.URL on a new connection, then the conditions in order
// (status, body, JSON field, response time); Reason names the first that fails. It never
// panics, and reads at most MaxBody bytes of the body. When ctx ends during the attempt the
// result says so ("canceled").
func Probe(ctx context.Context, c Check) (res Result) {
	defer func() {
		if r := recover(); r != nil {
			res = Result{Reason: fmt.Sprintf("internal error: %v", r)}
		}
	}()
	u, err := url.Parse(c.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		return Result{Reason: fmt.Sprintf("%q is not an http(s) URL with a host", c.URL)}
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	want := c.Status
	if want == 0 {
		want = DefaultStatus
	}

	attempt, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(attempt, http.MethodGet, u.String(), nil)
	if err != nil {
		return Result{Reason: err.Error()}
	}
	req.Header.Set("User-Agent", userAgent)
	req.Header.Set("Accept", "*/*")

	client := newClient(c.RootCAs, c.Dial)
	defer client.CloseIdleConnections()
	start := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return Result{Took: time.Since(start), Reason: failure(ctx, attempt, err, timeout), cut: ctx.Err() != nil}
	}
	defer resp.Body.Close()
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, MaxBody+1))
	res = Result{Status: resp.StatusCode, Took: time.Since(start), Body: logText(body)}
	if resp.TLS != nil && len(resp.TLS.PeerCertificates) > 0 {
		res.CertExpires = resp.TLS.PeerCertificates[0].NotAfter
	}
	truncated := len(body) > MaxBody
	if truncated {
		body = body[:MaxBody]
	}
	switch {
	case readErr != nil:
		res.Reason = "reading the body: " + failure(ctx, attempt, readErr, timeout)
		res.cut = ctx.Err() != nil
	case resp.StatusCode != want:
		res.Reason = fmt.Sprintf("status %d, want %d", resp.StatusCode, want)
	case c.Body != "" && !bytes.Contains(body, []byte(c.Body)):
		res.Reason = fmt.Sprintf("body lacks %q", c.Body)
		if truncated {
			res.Reason += " in its first 1 MiB"
		}
	case c.JSONField != "":
		res.Reason = jsonCondition(body, truncated, c.JSONField, c.JSONEquals)
	}
	if res.Reason == "" && c.MaxTime > 0 && res.Took > c.MaxTime {
		res.Reason = fmt.Sprintf("took %s, over %s", roundTook(res.Took), c.MaxTime)
	}
	res.OK = res.Reason == ""
	return res
}

// newClient is the client of one probe: its own transport, no keep-alives, no redirects, no
// proxy. The timeout comes from the request's context.
func newClient(roots *x509.CertPool, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Client {
	if dial == nil {
		dial = (&net.Dialer{}).DialContext
	}
	return &http.Client{
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         dial,
			DisableKeepAlives:   true,
			TLSClientConfig:     &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
			TLSHandshakeTimeout: 0, // bounded by the request's context
			ForceAttemptHTTP2:   true,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// failure words an error of the request or the body read. parent is the caller's context,
// attempt the one bounded by the probe's timeout.
func failure(parent, attempt context.Context, err error, timeout time.Duration) string {
	var (
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		unknown x509.UnknownAuthorityError
		invalid x509.CertificateInvalidError
		host    x509.HostnameError
	)
	switch {
	case errors.Is(parent.Err(), context.Canceled):
		return "canceled"
	case parent.Err() != nil:
		return "deadline passed before the response"
	case errors.Is(attempt.Err(), context.DeadlineExceeded), errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		return fmt.Sprintf("no response within %s (timeout)", timeout)
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "host not found: " + dnsErr.Name
		}
		return "DNS: " + dnsErr.Error()
	case errors.As(err, &unknown), errors.As(err, &invalid), errors.As(err, &host), errors.As(err, &certErr):
		return "TLS certificate: " + innermost(err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return "connection closed before a complete response"
	}
	return innermost(err)
}

// isTimeout reports a network timeout.
func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// innermost is the error without the `Get "url": ` wrapping of net/http.
func innermost(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// logText is the start of a body for logs: at most LogBody bytes, cut at a character boundary.
func logText(body []byte) string {
	if len(body) <= LogBody {
		return string(body)
	}
	cut := LogBody
	for cut > LogBody-utf8.UTFMax && !utf8.RuneStart(body[cut]) {
		cut--
	}
	return string(body[:cut])
}

// roundTook rounds a response time for messages: 1.234567s → 1.23s, 12.3456ms → 12.3ms.
func roundTook(d time.Duration) time.Duration {
	switch {
	case d >= time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Millisecond:
		return d.Round(100 * time.Microsecond)
	}
	return d
}

// jsonCondition checks that the field at the dotted path of a JSON body has the value want,
// compared as text. It says what is wrong, or "".
func jsonCondition(body []byte, truncated bool, path, want string) string {
	if truncated {
		return "json: the body is over 1 MiB; not read as JSON"
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return fmt.Sprintf("json: the body is not JSON (%v)", err)
	}
	if dec.More() {
		return "json: the body is not JSON (more than one value)"
	}
	v, ok := Field(doc, path)
	if !ok {
		return fmt.Sprintf("json %s is missing", path)
	}
	got, quoted := ValueText(v)
	if got == want || numbersEqual(v, want) {
		return ""
	}
	return fmt.Sprintf("json %s = %s, want %q", path, quoted, want)
}

// Field follows a dotted path into a decoded JSON document: object keys by name, array items
// by index ("items.0.id"). ok is false when a step is missing.
func Field(doc any, path string) (v any, ok bool) {
	v = doc
	for _, part := range strings.Split(path, ".") {
		switch node := v.(type) {
		case map[string]any:
			v, ok = node[part]
			if !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(node) || strconv.Itoa(i) != part {
				return nil, false
			}
			v = node[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// ValueText is the text a JSON value is compared as: a string without quotes, a number as
// written in the body, true, false, null, or an object or array as compact JSON. quoted is
// the same for messages, with strings in quotes.
func ValueText(v any) (text, quoted string) {
	switch v := v.(type) {
	case string:
		return v, strconv.Quote(v)
	case json.Number:
		return v.String(), v.String()
	case nil:
		return "null", "null"
	case bool:
		return strconv.FormatBool(v), strconv.FormatBool(v)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v), fmt.Sprint(v)
	}
	return string(b), string(b)
}

// numbersEqual reports whether v is a JSON number equal to want read as a number, so that
// 1.50 in the body equals "1.5" and 1e3 equals "1000".
func numbersEqual(v any, want string) bool {
	n, ok := v.(json.Number)
	if !ok {
		return false
	}
	a, errA := strconv.ParseFloat(n.String(), 64)
	b, errB := strconv.ParseFloat(strings.TrimSpace(want), 64)
	return errA == nil && errB == nil && a == b
}

// Gate polls c every interval (measured from the start of one attempt to the start of the
// next; an attempt slower than interval is followed at once) until an attempt is OK or
// deadline has passed since the call. Each attempt's timeout is also bounded by what is left
// of the deadline. onAttempt (may be nil) sees every finished attempt.
//
// It returns the OK result and nil, or the last result and an error that gives the number of
// attempts and the last reason. An attempt cut short by the deadline or by ctx is neither
// counted nor reported, unless it is the only one. When ctx ends the error wraps ctx.Err().
func Gate(ctx context.Context, c Check, interval, deadline time.Duration, onAttempt func(Result)) (Result, error) {
	if interval <= 0 {
		interval = time.Second
	}
	start := time.Now()
	gate, cancel := context.WithTimeout(ctx, deadline)
	defer cancel()

	var last Result
	attempts := 0
	for {
		begun := time.Now()
		r := Probe(gate, c)
		cut := r.cut
		if !cut || attempts == 0 {
			if cut && ctx.Err() == nil {
				r.Reason = fmt.Sprintf("no answer within the %s deadline", deadline)
			}
			attempts++
			last = r
			if onAttempt != nil {
				onAttempt(r)
			}
		}
		if r.OK {
			return r, nil
		}
		wait := time.NewTimer(max(0, interval-time.Since(begun)))
		select {
		case <-gate.Done():
			wait.Stop()
			if err := ctx.Err(); err != nil {
				return last, fmt.Errorf("health check of %s stopped after %s, %s; last: %s: %w",
					c.URL, time.Since(start).Round(time.Millisecond), plural(attempts, "attempt"), last.Reason, err)
			}
			return last, fmt.Errorf("%s not healthy within %s: %s, last: %s",
				c.URL, deadline, plural(attempts, "attempt"), last.Reason)
		case <-wait.C:
		}
	}
}

// plural writes "1 attempt", "3 attempts".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
