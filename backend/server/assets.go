package server

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
)

// extraTypes are content types Go's built-in table may lack on a minimal system.
var extraTypes = map[string]string{
	".woff2":       "font/woff2",
	".woff":        "font/woff",
	".ico":         "image/x-icon",
	".map":         "application/json",
	".webmanifest": "application/manifest+json",
}

// placeholderPage is served when the server has no assets (frontend not built).
const placeholderPage = "<!doctype html>\n<meta charset=\"utf-8\">\n<title>Eightfold</title>\n" +
	"<p>The frontend is not built into this binary. The API is at /api/ (POST /api/&lt;Method&gt;).</p>\n"

// serveAsset serves a file of the frontend. Unknown paths without a file extension get
// index.html (client-side routes of the single-page app); unknown paths with one get 404, so a
// missing script is not answered with HTML.
func (s *Server) serveAsset(w http.ResponseWriter, r *http.Request) {
	if !requireMethod(w, r, http.MethodGet, http.MethodHead) {
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	if s.assets == nil {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, placeholderPage)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if name == "" {
		name = "index.html"
	}
	if serveFile(w, r, s.assets, name) {
		return
	}
	if path.Ext(name) != "" {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	if !serveFile(w, r, s.assets, "index.html") {
		http.Error(w, "404 page not found: the frontend has no index.html", http.StatusNotFound)
	}
}

// serveFile serves the regular file name from fsys (a directory means its index.html) and
// reports whether it existed. Embedded files have no modification time, so no Last-Modified is
// sent; "Cache-Control: no-cache" makes browsers refetch after a rebuild.
func serveFile(w http.ResponseWriter, r *http.Request, fsys fs.FS, name string) bool {
	info, err := fs.Stat(fsys, name)
	if err == nil && info.IsDir() {
		name = path.Join(name, "index.html")
		info, err = fs.Stat(fsys, name)
	}
	if err != nil || !info.Mode().IsRegular() {
		return false
	}
	content, err := openSeeker(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return false
	}
	if err != nil {
		http.Error(w, "500 internal server error: cannot read "+name, http.StatusInternalServerError)
		return true
	}
	if c, ok := content.(io.Closer); ok {
		defer c.Close()
	}
	if ct := contentType(name); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	http.ServeContent(w, r, name, info.ModTime(), content)
	return true
}

// openSeeker opens name as an io.ReadSeeker, reading it into memory if the file cannot seek.
func openSeeker(fsys fs.FS, name string) (io.ReadSeeker, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	if rs, ok := f.(io.ReadSeeker); ok {
		return rs, nil
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(data), nil
}

// contentType is the type for name's extension, or "" to let ServeContent sniff.
func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if ct, ok := extraTypes[ext]; ok {
		return ct
	}
	return mime.TypeByExtension(ext)
}
