// Package static embeds Tableside's own CSS, JavaScript and icons and serves
// them under content-hashed URLs, so browsers may cache them for a year and
// still see a new version the moment it ships.
package static

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

//go:embed *.css *.svg *.js *.png *.yaml
var files embed.FS

// Prefix is the URL path under which assets are served.
const Prefix = "/static/"

type asset struct {
	body    []byte
	hash    string
	ctype   string
	hashed  string // the URL path with the hash in it
	csp     string // the Content-Security-Policy source that allows it inline
	modTime time.Time
}

// Assets knows every embedded file, its hash and its URL.
type Assets struct {
	byName map[string]*asset
}

// New hashes the embedded files.
func New() (*Assets, error) {
	a := &Assets{byName: map[string]*asset{}}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := files.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])[:12]
		ext := path.Ext(name)
		a.byName[name] = &asset{
			body:   body,
			hash:   hash,
			ctype:  mime.TypeByExtension(ext),
			hashed: Prefix + strings.TrimSuffix(name, ext) + "." + hash + ext,
			csp:    "'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'",
		}
		return nil
	})
	return a, err
}

// URL returns the hashed URL of the named file ("app.css" gives
// "/static/app.1a2b3c4d5e6f.css"). An unknown name is a programming error, so
// it panics at the first render rather than shipping a broken link.
func (a *Assets) URL(name string) string {
	f, ok := a.byName[name]
	if !ok {
		panic("static: no file " + name)
	}
	return f.hashed
}

// Inline returns the named file's text, to be put in a page's <style> or
// <script> element as it is, and the Content-Security-Policy source that
// allows exactly that text ('sha256-…'). Like URL, it panics on an unknown
// name.
func (a *Assets) Inline(name string) (text, csp string) {
	f, ok := a.byName[name]
	if !ok {
		panic("static: no file " + name)
	}
	return string(f.body), f.csp
}

// ServeHTTP serves /static/NAME.HASH.EXT. A matching hash is cached for a year
// as immutable; a stale hash (a page from before a deploy) still gets the
// current file, but only briefly cached, so nothing breaks mid-upgrade.
func (a *Assets) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest := strings.TrimPrefix(r.URL.Path, Prefix)
	ext := path.Ext(rest)
	base := strings.TrimSuffix(rest, ext)
	dot := strings.LastIndexByte(base, '.')
	if dot < 0 {
		http.NotFound(w, r)
		return
	}
	name, hash := base[:dot]+ext, base[dot+1:]
	f, ok := a.byName[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	if hash == f.hash {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "public, max-age=300")
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("ETag", `"`+f.hash+`"`)
	http.ServeContent(w, r, name, f.modTime, bytes.NewReader(f.body))
}

// Read returns an embedded file's bytes, for an email that must carry its
// styles inline; it hashes nothing.
func Read(name string) ([]byte, error) { return files.ReadFile(name) }
