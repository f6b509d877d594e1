// Package server is Eightfold's browser face: it serves the built frontend and the App API over
// HTTP, with live events as server-sent events, guarded by a session token and bound to loopback
// unless the user explicitly asks for more (see docs/security.md).
//
// Routes (every one behind the guard: Host check, then Origin check, then token):
//
//	POST /api/<Method>   call an exported method of Options.API; body is a JSON array of arguments
//	GET  /api/methods    the method table: names, parameter and result types (for debugging)
//	GET  /api/events     server-sent events emitted through Server.Emit
//	GET  /*              the frontend from Options.Assets; unknown paths get index.html
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// DefaultAddr is the address used when Options.Addr is empty: loopback, any free port.
const DefaultAddr = "127.0.0.1:0"

// shutdownGrace bounds how long Serve waits for in-flight API calls when its context ends.
const shutdownGrace = 5 * time.Second

// Options configures a Server. The zero value serves nothing on a random loopback port.
type Options struct {
	// Addr is host:port to listen on; "" means DefaultAddr. The host must be a loopback
	// address or "localhost" unless Public is set.
	Addr string
	// Public allows a non-loopback Addr (the `--public` flag). The Host header check is then
	// off (any Host is accepted) and the token is the only guard; a warning goes to Log.
	Public bool
	// API is the value whose exported methods are served as POST /api/<Method>, usually *App.
	// nil serves no methods.
	API any
	// Assets is the built frontend with index.html at its root; nil serves a placeholder page.
	Assets fs.FS
	// Token is the session token; "" generates 32 random bytes, hex encoded. A given token must
	// be at least 16 characters from [A-Za-z0-9._~-].
	Token string
	// Log receives warnings and errors (skipped methods, panics, the --public warning);
	// nil discards them.
	Log io.Writer
}

// Server is the browser face: one listener, the guard, the API, the event stream and the assets.
// Create it with New, then run it with Serve.
type Server struct {
	ln        net.Listener
	public    bool
	token     string
	url       string
	hosts     map[string]bool // allowed Host header values, lowercased (unused when public)
	methods   *methodTable
	assets    fs.FS
	hub       *hub
	log       *log.Logger
	heartbeat time.Duration
	served    atomic.Bool
}

// New validates opts, builds the method table and starts listening, so that URL is known before
// Serve is called. A non-loopback address without Public is refused with an error that names
// --public. Call Serve to accept connections and to release the listener.
func New(opts Options) (*Server, error) {
	logger := newLogger(opts.Log)
	token, err := sessionToken(opts.Token)
	if err != nil {
		return nil, err
	}
	methods := newMethodTable(opts.API, logger)
	ln, err := listen(opts.Addr, opts.Public)
	if err != nil {
		return nil, err
	}
	s := &Server{
		ln: ln, public: opts.Public, token: token, methods: methods, assets: opts.Assets,
		hub: newHub(logger), log: logger, heartbeat: 15 * time.Second,
	}
	s.hosts = allowedHosts(ln.Addr().(*net.TCPAddr))
	s.url = browserURL(ln.Addr().(*net.TCPAddr), token)
	if opts.Public {
		logger.Printf("WARNING: listening on %s, reachable from other machines over plain HTTP; "+
			"anyone who has the token can run commands on this machine", ln.Addr())
	}
	return s, nil
}

// URL is the address to open in a browser, token included:
// http://127.0.0.1:PORT/?token=TOKEN. When bound to all interfaces (0.0.0.0 or ::) it names
// 127.0.0.1, which works on this machine; other machines substitute the host's address.
func (s *Server) URL() string { return s.url }

// Addr is the address the server listens on, with the real port (useful with port 0).
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Token is the session token (the generated one when Options.Token was empty).
func (s *Server) Token() string { return s.token }

// Emit sends an event to every connected /api/events client. It never blocks: the payload is
// marshalled once and queued per client; a client whose queue is full is disconnected (its
// EventSource reconnects and should refetch state). It is safe for concurrent use and may be
// called before Serve and after it returned.
func (s *Server) Emit(topic string, payload any) { s.hub.emit(topic, payload) }

// Serve accepts connections until ctx is done, then shuts down: event streams are closed at
// once, in-flight API calls get a few seconds to finish. It returns nil after a shutdown caused by
// ctx, or the error that stopped the server. Serve may be called only once.
func (s *Server) Serve(ctx context.Context) error {
	if !s.served.CompareAndSwap(false, true) {
		return errors.New("server: Serve called twice")
	}
	srv := &http.Server{
		Handler:           http.HandlerFunc(s.route),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          s.log,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(s.ln) }()
	select {
	case err := <-errc:
		s.hub.close()
		return fmt.Errorf("server: %w", err)
	case <-ctx.Done():
	}
	return s.shutdown(srv, errc)
}

// shutdown ends the event streams, then drains srv, forcing it closed after shutdownGrace.
func (s *Server) shutdown(srv *http.Server, errc <-chan error) error {
	s.hub.close()
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		s.log.Printf("shutdown: %v; closing remaining connections", err)
		srv.Close()
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("server: %w", err)
	}
	return nil
}

// route applies the guard, then dispatches to the API, the event stream or the assets.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	setSecurityHeaders(w.Header())
	if !s.guard(w, r) {
		return
	}
	p := r.URL.Path
	switch {
	case isAPIPath(p):
		w.Header().Set("Cache-Control", "no-store")
		s.routeAPI(w, r, strings.TrimPrefix(strings.TrimPrefix(p, "/api"), "/"))
	default:
		s.serveAsset(w, r)
	}
}

// routeAPI dispatches /api/<name>.
func (s *Server) routeAPI(w http.ResponseWriter, r *http.Request, name string) {
	switch name {
	case "events":
		if requireMethod(w, r, http.MethodGet) {
			s.hub.serve(w, r, s.heartbeat)
		}
	case "methods":
		if requireMethod(w, r, http.MethodGet, http.MethodHead) {
			writeJSON(w, http.StatusOK, s.methods.describe())
		}
	default:
		s.methods.serve(w, r, name)
	}
}

// isAPIPath reports whether p is under /api.
func isAPIPath(p string) bool { return p == "/api" || strings.HasPrefix(p, "/api/") }

// requireMethod answers 405 unless r uses one of methods.
func requireMethod(w http.ResponseWriter, r *http.Request, methods ...string) bool {
	if slices.Contains(methods, r.Method) {
		return true
	}
	allow := strings.Join(methods, ", ")
	w.Header().Set("Allow", allow)
	writeError(w, http.StatusMethodNotAllowed, "method_not_allowed",
		fmt.Sprintf("%s %s is not supported; use %s", r.Method, r.URL.Path, allow))
	return false
}

// newLogger wraps w (nil → discard) in a logger that is safe for concurrent use.
func newLogger(w io.Writer) *log.Logger {
	if w == nil {
		w = io.Discard
	}
	return log.New(w, "eightfold server: ", log.LstdFlags)
}

// sessionToken returns given after checking it, or a fresh random token when given is "".
func sessionToken(given string) (string, error) {
	if given == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return "", fmt.Errorf("server: generating token: %w", err)
		}
		return hex.EncodeToString(b), nil
	}
	if len(given) < 16 {
		return "", errors.New("server: token is too short: use at least 16 characters, or leave it empty to generate one")
	}
	for _, c := range given {
		if !isTokenChar(c) {
			return "", fmt.Errorf("server: token contains %q: use only letters, digits and . _ ~ -", c)
		}
	}
	return given, nil
}

// isTokenChar reports whether c may appear in a token (URL- and cookie-safe without escaping).
func isTokenChar(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune("._~-", c)
}

// listen opens addr after checking that it is loopback or that public was asked for.
func listen(addr string, public bool) (net.Listener, error) {
	if addr == "" {
		addr = DefaultAddr
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("server: invalid address %q: want host:port, e.g. %s", addr, DefaultAddr)
	}
	if !public && !isLoopbackHost(host) {
		return nil, notLoopbackError(addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("server: listen on %s: %w", addr, err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); !ok || (!public && !tcp.IP.IsLoopback()) {
		ln.Close()
		return nil, notLoopbackError(ln.Addr().String())
	}
	return ln, nil
}

// notLoopbackError explains why a non-loopback address is refused and what to do.
func notLoopbackError(addr string) error {
	return fmt.Errorf("server: refusing to listen on %s: it is not a loopback address, so other machines "+
		"could reach the workbench; use 127.0.0.1, or pass --public if you really want to expose it "+
		"(anyone with the token can then run commands on this machine)", addr)
}

// isLoopbackHost reports whether host (from host:port) is "localhost" or a loopback IP.
// An empty host means all interfaces, which is not loopback.
func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// allowedHosts lists the Host header values a loopback server answers to.
func allowedHosts(a *net.TCPAddr) map[string]bool {
	port := strconv.Itoa(a.Port)
	hosts := map[string]bool{}
	for _, h := range []string{a.IP.String(), "127.0.0.1", "localhost", "::1"} {
		hp := strings.ToLower(net.JoinHostPort(h, port))
		hosts[hp] = true
		if a.Port == 80 {
			hosts[strings.TrimSuffix(hp, ":80")] = true
		}
	}
	return hosts
}

// browserURL is the URL to print: the bound host (127.0.0.1 for all interfaces) and the token.
func browserURL(a *net.TCPAddr, token string) string {
	host := a.IP.String()
	if a.IP.IsUnspecified() {
		host = "127.0.0.1"
	}
	u := url.URL{Scheme: "http", Host: net.JoinHostPort(host, strconv.Itoa(a.Port)), Path: "/"}
	u.RawQuery = url.Values{"token": {token}}.Encode()
	return u.String()
}
