// Package web embeds the built web inbox (the Vite build in dist/app, written by `make web`) into the binary.
// The sources next to this file are the app's own toolchain (TypeScript, React, Vite); Go only carries the
// result. When the app is not built, Assets reports it and the engine serves a page saying how to build it,
// so `go build ./...` never needs Node.
package web

import (
	"embed"
	"io/fs"
)

//go:embed dist
var dist embed.FS

// Assets returns the built app (index.html at its root) and whether it has been built.
func Assets() (fs.FS, bool) {
	app, err := fs.Sub(dist, "dist/app")
	if err != nil {
		return nil, false
	}
	if _, err := fs.Stat(app, "index.html"); err != nil {
		return nil, false
	}
	return app, true
}
