package archive

import (
	"archive/zip"
	"compress/flate"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Progress hears how far a long export is: done of total units (customers,
// orders or messages). It is called from the exporting goroutine.
type Progress func(done, total int)

func (p Progress) report(done, total int) {
	if p != nil {
		p(done, total)
	}
}

// sink receives the files of an archive, a zip or a folder, and records
// each file's SHA-256 for the manifests.
type sink interface {
	create(name string, modified time.Time) (io.Writer, error)
	close() error
}

// ManifestFile is one file in manifest.json.
type ManifestFile struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Manifest is manifest.json: what the archive holds and when it was made.
type Manifest struct {
	Format     string         `json:"format"`
	Exported   time.Time      `json:"exported"`
	CustomerID uint64         `json:"customer_id,omitempty"`
	Customers  int            `json:"customers,omitempty"`
	Files      []ManifestFile `json:"files"`
}

// ManifestFormat names the archive layout, for readers to check.
const ManifestFormat = "shopdesk-archive/1"

// hashingWriter counts and hashes what goes through it.
type hashingWriter struct {
	w    io.Writer
	h    hash.Hash
	n    int64
	name string
}

func (hw *hashingWriter) Write(p []byte) (int, error) {
	n, err := hw.w.Write(p)
	hw.h.Write(p[:n])
	hw.n += int64(n)
	return n, err
}

func (hw *hashingWriter) file() ManifestFile {
	return ManifestFile{Path: hw.name, Size: hw.n, SHA256: hex.EncodeToString(hw.h.Sum(nil))}
}

// recorder wraps a sink and keeps the hash of every file written.
type recorder struct {
	s     sink
	files []*hashingWriter
}

func (r *recorder) create(name string, modified time.Time) (*hashingWriter, error) {
	w, err := r.s.create(name, modified)
	if err != nil {
		return nil, fmt.Errorf("add %s: %w", name, err)
	}
	hw := &hashingWriter{w: w, h: sha256.New(), name: name}
	r.files = append(r.files, hw)
	return hw, nil
}

// write adds a whole file.
func (r *recorder) write(name string, modified time.Time, data []byte) error {
	w, err := r.create(name, modified)
	if err != nil {
		return err
	}
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	return nil
}

// since returns the files recorded from index i on, with paths relative
// to prefix.
func (r *recorder) since(i int, prefix string) []ManifestFile {
	out := make([]ManifestFile, 0, len(r.files)-i)
	for _, hw := range r.files[i:] {
		f := hw.file()
		f.Path = strings.TrimPrefix(f.Path, prefix)
		out = append(out, f)
	}
	return out
}

type zipSink struct {
	zw *zip.Writer
	// spare is a compressor to reuse: a new one allocates and clears about
	// a megabyte, more than compressing a typical message costs. The zip
	// writer closes each file's compressor before it starts the next.
	spare *flate.Writer
}

func newZipSink(w io.Writer) *zipSink {
	z := &zipSink{zw: zip.NewWriter(w)}
	// Mail compresses well enough at the fastest level, and an export of
	// thousands of messages should not keep the seller waiting.
	z.zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		fw := z.spare
		z.spare = nil
		if fw == nil {
			var err error
			if fw, err = flate.NewWriter(out, flate.BestSpeed); err != nil {
				return nil, err
			}
		} else {
			fw.Reset(out)
		}
		return &reusedFlate{Writer: fw, z: z}, nil
	})
	return z
}

// reusedFlate hands its compressor back to the sink when closed.
type reusedFlate struct {
	*flate.Writer
	z *zipSink
}

func (r *reusedFlate) Close() error {
	err := r.Writer.Close()
	r.z.spare = r.Writer
	return err
}

func (z *zipSink) create(name string, modified time.Time) (io.Writer, error) {
	h := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified}
	h.SetMode(0o600)
	return z.zw.CreateHeader(h)
}

func (z *zipSink) close() error { return z.zw.Close() }

// dirSink writes files under a folder, each 0600, closing the previous
// file when the next one starts.
type dirSink struct {
	root string
	cur  *os.File
}

func (d *dirSink) create(name string, _ time.Time) (io.Writer, error) {
	if err := d.closeCur(); err != nil {
		return nil, err
	}
	p := filepath.Join(d.root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, err
	}
	d.cur = f
	return f, nil
}

func (d *dirSink) closeCur() error {
	if d.cur == nil {
		return nil
	}
	f := d.cur
	d.cur = nil
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", f.Name(), err)
	}
	return f.Close()
}

func (d *dirSink) close() error { return d.closeCur() }

// safeName makes a string usable as one path element in a zip or on any
// file system: no separators, traversal, control characters or characters
// Windows refuses, and a bounded length. Letters of every script stay.
func safeName(s string, max int) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r < 0x20 || r == 0x7f || strings.ContainsRune(`<>:"/\|?*`, r):
			b.WriteByte('_')
		default:
			b.WriteRune(r)
		}
	}
	out := strings.Trim(strings.Join(strings.Fields(b.String()), " "), ". ")
	for len(out) > max {
		rs := []rune(out)
		out = string(rs[:len(rs)-1])
	}
	if out == "" || out == "." || out == ".." {
		return "_"
	}
	return out
}

// joinZip joins zip path elements with forward slashes.
func joinZip(elem ...string) string { return path.Join(elem...) }
