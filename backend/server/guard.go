package server

import (
	"crypto/subtle"
	"fmt"
	"html"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// CookieName is the cookie that carries the session token after the first visit. Its name
// holds the port, because browsers share cookies between the ports of one host: two servers
// on one machine must not overwrite each other's.
func (s *Server) CookieName() string {
	return "eightfold_token_" + strconv.Itoa(s.ln.Addr().(*net.TCPAddr).Port)
}

// contentSecurityPolicy fits a Vite-built Svelte app: scripts and connections to this origin
// only, inline styles allowed (Svelte transitions set them), images and fonts from here or data:
// URLs (Vite inlines small assets as data: URLs).
const contentSecurityPolicy = "default-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; " +
	"form-action 'self'; frame-ancestors 'none'"

// setSecurityHeaders adds the headers every response carries, errors included.
func setSecurityHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
}

// guard checks, in order, the Host header, the origin of mutating requests and the token. It
// answers the request itself and returns false when one fails, or when it redirects to drop a
// token from the URL.
func (s *Server) guard(w http.ResponseWriter, r *http.Request) bool {
	if !s.hostAllowed(r.Host) {
		deny(w, r, http.StatusForbidden, "This server only answers to the address printed by `eightfold serve` "+
			"(Host "+r.Host+" is not allowed).")
		return false
	}
	if isMutating(r.Method) && !s.sameOrigin(r) {
		deny(w, r, http.StatusForbidden, "Cross-origin requests are not allowed.")
		return false
	}
	if tok, ok := r.URL.Query()["token"]; ok && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		s.acceptQueryToken(w, r, tok[0])
		return false
	}
	if !s.authenticated(r) {
		deny(w, r, http.StatusUnauthorized, "Open the URL printed by `eightfold serve` (it carries the session token).")
		return false
	}
	return true
}

// hostAllowed reports whether host (the Host header) names this server. Public servers accept
// any Host: they are meant to be reached by names this process cannot know.
func (s *Server) hostAllowed(host string) bool {
	return s.public || s.hosts[strings.ToLower(host)]
}

// isMutating reports whether method may change state.
func isMutating(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return false
	}
	return true
}

// sameOrigin reports whether a mutating request comes from this server's own pages (or from no
// browser page at all: no Origin and no cross-site Sec-Fetch-Site, as with curl).
func (s *Server) sameOrigin(r *http.Request) bool {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "cross-site", "same-site":
		return false
	}
	origin, ok := r.Header["Origin"]
	if !ok {
		return true
	}
	host, found := strings.CutPrefix(strings.ToLower(origin[0]), "http://")
	if !found {
		return false
	}
	if s.public {
		return host == strings.ToLower(r.Host)
	}
	return s.hosts[host]
}

// acceptQueryToken handles GET ...?token=T: a valid token becomes a cookie and the browser is sent
// to the same URL without the token, so it does not stay in the address bar or history.
func (s *Server) acceptQueryToken(w http.ResponseWriter, r *http.Request, tok string) {
	if !s.tokenValid(tok) {
		deny(w, r, http.StatusUnauthorized, "The token in this URL is not valid for this server. "+
			"Open the URL printed by `eightfold serve`.")
		return
	}
	http.SetCookie(w, &http.Cookie{
		Name: s.CookieName(), Value: s.token, Path: "/",
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
	})
	http.Redirect(w, r, urlWithoutToken(r), http.StatusSeeOther)
}

// urlWithoutToken is r's path and query minus the token parameter, as a same-server reference.
func urlWithoutToken(r *http.Request) string {
	q := r.URL.Query()
	q.Del("token")
	// Strip extra leading slashes: "//evil.example/" would be a protocol-relative redirect.
	p := "/" + strings.TrimLeft(r.URL.EscapedPath(), "/\\")
	if len(q) == 0 {
		return p
	}
	return p + "?" + q.Encode()
}

// authenticated reports whether r carries the token as a bearer token or as the cookie.
func (s *Server) authenticated(r *http.Request) bool {
	if auth := r.Header.Get("Authorization"); auth != "" {
		scheme, tok, ok := strings.Cut(auth, " ")
		return ok && strings.EqualFold(scheme, "Bearer") && s.tokenValid(strings.TrimSpace(tok))
	}
	for _, c := range r.CookiesNamed(s.CookieName()) {
		if s.tokenValid(c.Value) {
			return true
		}
	}
	return false
}

// tokenValid compares tok with the session token in constant time.
func (s *Server) tokenValid(tok string) bool {
	return subtle.ConstantTimeCompare([]byte(tok), []byte(s.token)) == 1
}

// deny answers with status and a short HTML page saying why, or with the API's JSON error shape
// ({"code":"unauthorized"|"forbidden","message":…}) for /api paths.
func deny(w http.ResponseWriter, r *http.Request, status int, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	if isAPIPath(r.URL.Path) {
		code := strings.ReplaceAll(strings.ToLower(http.StatusText(status)), " ", "_")
		writeError(w, status, code, msg)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html>\n<meta charset=\"utf-8\">\n<title>Eightfold: %d %s</title>\n"+
		"<h1>%s</h1>\n<p>%s</p>\n", status, http.StatusText(status), http.StatusText(status), html.EscapeString(msg))
}
