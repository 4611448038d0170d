package media

import "sync"

// chunkPool holds buffers of ChunkSize bytes for the pieces a file moves in (an upload read from the HTTP
// body, a piece read from the store for a download). A 16 MiB file is 64 pieces: allocating a buffer for
// each made the media paths allocate several bytes per byte moved, garbage that a collector running on a
// large heap counts as live while it marks. Pointers to arrays go in the pool, so that Get and Put
// themselves allocate nothing.
var chunkPool = sync.Pool{New: func() any { return new([ChunkSize]byte) }}

// GetBuffer answers a buffer of ChunkSize bytes (its contents are whatever it held before). Give it back
// with PutBuffer once nothing refers to it; a buffer that may still be read or written elsewhere (a call
// that timed out, a connection that failed mid-write) is simply not given back.
func GetBuffer() []byte { return chunkPool.Get().(*[ChunkSize]byte)[:] }

// PutBuffer gives back a buffer for reuse; b must start where the buffer starts (any length), and nothing
// may use it afterwards. Slices of another capacity are left to the collector.
func PutBuffer(b []byte) {
	if cap(b) != ChunkSize {
		return
	}
	chunkPool.Put((*[ChunkSize]byte)(b[:ChunkSize]))
}
