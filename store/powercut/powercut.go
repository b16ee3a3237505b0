// Package powercut is a FUSE file system for tests that loses what a power
// cut may lose, in the manner of LazyFS (the file system Jepsen uses).
//
// It passes everything through to a backing directory except file data:
// every write and truncate since the last fsync (or fdatasync) of that file is
// kept in memory, where reads see it (the page cache), and reaches the backing
// file only when the file is synced. Cut then "cuts the power" on the
// unmounted file system: it drops the unsynced writes, or lets a random prefix
// of them reach the disk, or that prefix and part of the next write (a torn
// write). What was synced is never lost.
//
// Names are held back the same way: a file, directory or link created, or a
// rename, since the last fsync of the directory it lands in is undone by a cut
// (all of them, or all but a random prefix per directory). Unlinks and rmdirs
// are final at once: a cut never brings a removed file back.
//
// It is test support: no binary links it (deps_test.go checks).
package powercut

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"sync"
	"syscall"

	"github.com/hanwen/go-fuse/v2/fs"
	"github.com/hanwen/go-fuse/v2/fuse"
)

// Mode says what of the unsynced writes survives a cut, per file.
type Mode int

const (
	// DropAll loses every unsynced write: the disk holds what was synced.
	DropAll Mode = iota
	// KeepPrefix lets a random prefix (possibly none, possibly all) of each
	// file's unsynced writes reach the disk, in the order they were made.
	KeepPrefix
	// Torn is KeepPrefix and, of the next write, a random part of its first
	// bytes: the write the power cut interrupted.
	Torn
)

// Modes lists every mode, for tests that cycle through them.
var Modes = []Mode{DropAll, KeepPrefix, Torn}

func (m Mode) String() string {
	switch m {
	case DropAll:
		return "drop-all"
	case KeepPrefix:
		return "keep-prefix"
	case Torn:
		return "torn"
	}
	return fmt.Sprintf("Mode(%d)", int(m))
}

// FS is a power-cut file system over one backing directory. Mount it, use
// it, Unmount it, Cut it, Mount it again.
type FS struct {
	backing string

	mu     sync.Mutex
	files  map[uint64]*file // by inode number: stable across renames
	names  []nameOp         // namespace changes not yet made durable, in order
	stash  string           // beside backing: links to files a rename replaced
	stashN int
	server *fuse.Server
	stats  Stats
}

// nameOp is a namespace change that a cut may undo.
type nameOp struct {
	dir   uint64 // the directory whose fsync makes it durable
	path  string // the new name, in the backing directory
	from  string // a rename: the old name
	stash string // a rename over a file: a link to the file it replaced
}

// Stats counts what the file system has seen since New.
type Stats struct {
	Writes, Syncs int64 // write calls and fsync calls on files
	Cuts          int64
	LostWrites    int64 // unsynced writes dropped (wholly or torn) by cuts
	LostBytes     int64 // their bytes that never reached the disk
	TornWrites    int64 // writes that reached the disk in part
	LostNames     int64 // creates and renames undone by cuts
}

// New returns a file system over the backing directory, which must exist.
func New(backing string) (*FS, error) {
	st, err := os.Stat(backing)
	if err != nil {
		return nil, fmt.Errorf("powercut: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("powercut: %s is not a directory", backing)
	}
	// Replaced files are kept by hard links, so the stash must be on the
	// same file system: beside the backing directory.
	stash := filepath.Clean(backing) + ".powercut-stash"
	if err := os.MkdirAll(stash, 0o700); err != nil {
		return nil, fmt.Errorf("powercut: %w", err)
	}
	return &FS{backing: backing, stash: stash, files: map[uint64]*file{}}, nil
}

// Available says why powercut cannot mount here, or "" when it can: it
// needs /dev/fuse and root (a direct mount needs CAP_SYS_ADMIN).
func Available() string {
	if _, err := os.Stat("/dev/fuse"); err != nil {
		return "no /dev/fuse on this machine"
	}
	if os.Geteuid() != 0 {
		return "not root: a direct FUSE mount needs CAP_SYS_ADMIN"
	}
	return ""
}

// Mount mounts the file system on dir.
func (f *FS) Mount(dir string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.server != nil {
		return errors.New("powercut: already mounted")
	}
	var st syscall.Stat_t
	if err := syscall.Stat(f.backing, &st); err != nil {
		return fmt.Errorf("powercut: %w", err)
	}
	root := &node{LoopbackNode: &fs.LoopbackNode{RootData: &fs.LoopbackRoot{Path: f.backing, Dev: st.Dev}}, pc: f}
	root.RootData.RootNode = root
	srv, err := fs.Mount(dir, root, &fs.Options{
		MountOptions: fuse.MountOptions{DirectMount: true, FsName: "powercut", Name: "powercut"},
	})
	if err != nil {
		return fmt.Errorf("powercut: mount %s: %w", dir, err)
	}
	f.server = srv
	return nil
}

// Unmount unmounts the file system. The kernel first writes back any dirty
// pages (of memory-mapped files), so they arrive as unsynced writes.
func (f *FS) Unmount() error {
	f.mu.Lock()
	srv := f.server
	f.mu.Unlock()
	if srv == nil {
		return nil
	}
	if err := srv.Unmount(); err != nil {
		return fmt.Errorf("powercut: unmount: %w", err)
	}
	srv.Wait()
	f.mu.Lock()
	f.server = nil
	f.mu.Unlock()
	return nil
}

// CutReport says what one cut did.
type CutReport struct {
	Files      int   // files that had unsynced writes
	KeptWrites int   // unsynced writes that reached the disk anyway
	LostWrites int   // unsynced writes lost (a torn one counts here)
	LostNames  int   // creates and renames undone
	LostBytes  int64 // bytes of those writes that did not reach the disk
	TornWrites int   // writes that reached the disk in part
}

// Cut cuts the power: for each file, what mode lets survive of its unsynced
// writes reaches the backing file and the rest is gone. The file system must
// be unmounted, so that no page cache holds what the cut dropped. rng picks
// the prefixes; a seeded rng replays the same cut for the same writes.
func (f *FS) Cut(mode Mode, rng *rand.Rand) (CutReport, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var rep CutReport
	if f.server != nil {
		return rep, errors.New("powercut: cut while mounted: unmount first, so the page cache goes too")
	}
	// Visit files in inode order so one seed gives one cut.
	inos := make([]uint64, 0, len(f.files))
	for ino := range f.files {
		inos = append(inos, ino)
	}
	sort.Slice(inos, func(i, j int) bool { return inos[i] < inos[j] })
	var errs []error
	for _, ino := range inos {
		fl := f.files[ino]
		if len(fl.ops) > 0 {
			rep.Files++
			errs = append(errs, fl.cut(mode, rng, &rep))
		}
		errs = append(errs, fl.fd.Close())
	}
	clear(f.files)
	errs = append(errs, f.cutNames(mode, rng, &rep))
	f.stats.Cuts++
	f.stats.LostWrites += int64(rep.LostWrites)
	f.stats.LostBytes += rep.LostBytes
	f.stats.TornWrites += int64(rep.TornWrites)
	f.stats.LostNames += int64(rep.LostNames)
	return rep, errors.Join(errs...)
}

// cutNames undoes the namespace changes the cut loses, newest first: per
// directory all of them (DropAll) or all after a random prefix.
func (f *FS) cutNames(mode Mode, rng *rand.Rand, rep *CutReport) error {
	perDir := map[uint64]int{}
	for _, op := range f.names {
		perDir[op.dir]++
	}
	dirs := make([]uint64, 0, len(perDir))
	for d := range perDir {
		dirs = append(dirs, d)
	}
	sort.Slice(dirs, func(i, j int) bool { return dirs[i] < dirs[j] })
	keep := map[uint64]int{}
	for _, d := range dirs {
		if mode != DropAll {
			keep[d] = rng.IntN(perDir[d] + 1)
		}
	}
	kept := make([]bool, len(f.names))
	seen := map[uint64]int{}
	for i, op := range f.names {
		kept[i] = seen[op.dir] < keep[op.dir]
		seen[op.dir]++
	}
	var errs []error
	for i := len(f.names) - 1; i >= 0; i-- {
		op := f.names[i]
		if kept[i] {
			continue
		}
		rep.LostNames++
		if op.from == "" {
			// Best effort: a later rename may have moved it already.
			if err := os.RemoveAll(op.path); err != nil {
				errs = append(errs, err)
			}
			continue
		}
		if _, err := os.Lstat(op.from); errors.Is(err, os.ErrNotExist) {
			if err := os.Rename(op.path, op.from); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
		if op.stash != "" {
			if err := os.Link(op.stash, op.path); err != nil && !errors.Is(err, os.ErrExist) {
				errs = append(errs, err)
			}
		}
	}
	for _, op := range f.names {
		if op.stash != "" {
			os.Remove(op.stash)
		}
	}
	f.names = nil
	return errors.Join(errs...)
}

// created records a new name in directory dir.
func (f *FS) created(dir uint64, path string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.names = append(f.names, nameOp{dir: dir, path: path})
}

// dirSynced makes durable the namespace changes landing in directory dir.
func (f *FS) dirSynced(dir uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.names = slices.DeleteFunc(f.names, func(op nameOp) bool { return op.dir == dir })
}

// Stats returns the counts so far.
func (f *FS) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stats
}

// op is one unsynced change of a file: a write of data at off, or (trunc) a
// truncate to size.
type op struct {
	off   int64
	data  []byte
	trunc bool
	size  int64
}

// file is the page cache of one backing file.
type file struct {
	mu   sync.Mutex
	fd   *os.File // the backing file, read-write, for reads and syncs
	size int64    // the size readers see
	ops  []op     // since the last sync, in order
}

// fileFor returns the state of inode ino, opening it from fd (a backing
// descriptor of that inode) when it has none yet.
func (f *FS) fileFor(ino uint64, backing *os.File) (*file, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fl, ok := f.files[ino]; ok {
		return fl, nil
	}
	// A descriptor of its own: the handle's closes when the handle does.
	fd, err := os.OpenFile(fmt.Sprintf("/proc/self/fd/%d", backing.Fd()), os.O_RDWR, 0)
	if err != nil {
		return nil, err
	}
	st, err := fd.Stat()
	if err != nil {
		fd.Close()
		return nil, err
	}
	fl := &file{fd: fd, size: st.Size()}
	f.files[ino] = fl
	return fl, nil
}

func (f *FS) countWrite() {
	f.mu.Lock()
	f.stats.Writes++
	f.mu.Unlock()
}

func (f *FS) countSync() {
	f.mu.Lock()
	f.stats.Syncs++
	f.mu.Unlock()
}

func (fl *file) write(data []byte, off int64) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	fl.ops = append(fl.ops, op{off: off, data: append([]byte(nil), data...)})
	fl.size = max(fl.size, off+int64(len(data)))
}

func (fl *file) truncate(size int64) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	fl.ops = append(fl.ops, op{trunc: true, size: size})
	fl.size = size
}

// read fills buf from off as a reader after every op would see it.
func (fl *file) read(buf []byte, off int64) (int, error) {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	if off >= fl.size {
		return 0, nil
	}
	buf = buf[:min(int64(len(buf)), fl.size-off)]
	n, err := fl.fd.ReadAt(buf, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, err
	}
	clear(buf[n:]) // past the backing file's end: zeros until a write says otherwise
	end := off + int64(len(buf))
	for _, o := range fl.ops {
		if o.trunc {
			if o.size < end {
				clear(buf[max(0, o.size-off):])
			}
			continue
		}
		lo, hi := max(off, o.off), min(end, o.off+int64(len(o.data)))
		if lo < hi {
			copy(buf[lo-off:hi-off], o.data[lo-o.off:hi-o.off])
		}
	}
	return len(buf), nil
}

// sync makes the unsynced ops durable: applies them to the backing file.
func (fl *file) sync() error {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	for _, o := range fl.ops {
		if err := fl.apply(o); err != nil {
			return err
		}
	}
	fl.ops = fl.ops[:0]
	return nil
}

func (fl *file) apply(o op) error {
	if o.trunc {
		return fl.fd.Truncate(o.size)
	}
	_, err := fl.fd.WriteAt(o.data, o.off)
	return err
}

func (fl *file) cut(mode Mode, rng *rand.Rand, rep *CutReport) error {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	keep := 0
	if mode != DropAll {
		keep = rng.IntN(len(fl.ops) + 1)
	}
	for _, o := range fl.ops[:keep] {
		if err := fl.apply(o); err != nil {
			return err
		}
	}
	rep.KeptWrites += keep
	rest := fl.ops[keep:]
	if mode == Torn && len(rest) > 0 && !rest[0].trunc && len(rest[0].data) > 1 {
		o := rest[0]
		n := 1 + rng.IntN(len(o.data)-1) // some bytes, not all
		if _, err := fl.fd.WriteAt(o.data[:n], o.off); err != nil {
			return err
		}
		rep.TornWrites++
		rep.LostBytes -= int64(n)
	}
	for _, o := range rest {
		rep.LostWrites++
		rep.LostBytes += int64(len(o.data))
	}
	fl.ops = nil
	return nil
}

// node is a loopback node whose regular files go through the page cache.
type node struct {
	*fs.LoopbackNode
	pc *FS
}

var (
	_ fs.NodeMknoder        = (*node)(nil)
	_ fs.NodeMkdirer        = (*node)(nil)
	_ fs.NodeSymlinker      = (*node)(nil)
	_ fs.NodeLinker         = (*node)(nil)
	_ fs.NodeRenamer        = (*node)(nil)
	_ fs.NodeOpendirHandler = (*node)(nil)
	_ fs.NodeWrapChilder    = (*node)(nil)
	_ fs.NodeOpener         = (*node)(nil)
	_ fs.NodeCreater        = (*node)(nil)
	_ fs.NodeGetattrer      = (*node)(nil)
	_ fs.NodeSetattrer      = (*node)(nil)
	_ fs.NodeStatxer        = (*node)(nil)
	_ fs.NodeCopyFileRanger = (*node)(nil)
)

func (n *node) WrapChild(ctx context.Context, ops fs.InodeEmbedder) fs.InodeEmbedder {
	return &node{LoopbackNode: ops.(*fs.LoopbackNode), pc: n.pc}
}

func (n *node) backingPath() string {
	return filepath.Join(n.RootData.Path, n.Path(nil))
}

// openFlags opens the backing file read-write whatever the caller asked: the
// caller's writes and truncates go to the page cache, never straight through.
func openFlags(flags uint32) int {
	f := int(flags) &^ (syscall.O_APPEND | syscall.O_TRUNC | syscall.O_ACCMODE | fuse.FMODE_EXEC)
	return f | syscall.O_RDWR
}

func (n *node) Open(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	if n.StableAttr().Mode&syscall.S_IFMT != syscall.S_IFREG {
		return n.LoopbackNode.Open(ctx, flags)
	}
	fd, err := os.OpenFile(n.backingPath(), openFlags(flags), 0)
	if err != nil {
		return nil, 0, fs.ToErrno(err)
	}
	h, errno := n.handle(fd)
	if errno != 0 {
		return nil, 0, errno
	}
	if flags&syscall.O_TRUNC != 0 {
		h.fl.truncate(0)
	}
	return h, 0, 0
}

func (n *node) Create(ctx context.Context, name string, flags uint32, mode uint32, out *fuse.EntryOut) (*fs.Inode, fs.FileHandle, uint32, syscall.Errno) {
	ch, lf, _, errno := n.LoopbackNode.Create(ctx, name, flags&^syscall.O_TRUNC, mode, out)
	if errno != 0 {
		return nil, nil, 0, errno
	}
	// The loopback handle's descriptor has the caller's access mode; this
	// one is read-write.
	lf.(fs.FileReleaser).Release(ctx)
	fd, err := os.OpenFile(filepath.Join(n.backingPath(), name), openFlags(flags)&^(syscall.O_CREAT|syscall.O_EXCL), 0)
	if err != nil {
		return nil, nil, 0, fs.ToErrno(err)
	}
	h, errno := ch.Operations().(*node).handle(fd)
	if errno != 0 {
		return nil, nil, 0, errno
	}
	if flags&syscall.O_TRUNC != 0 {
		h.fl.truncate(0)
	}
	out.Size = uint64(h.fl.currentSize())
	n.pc.created(n.StableAttr().Ino, filepath.Join(n.backingPath(), name))
	return ch, h, 0, 0
}

func (n *node) Mknod(ctx context.Context, name string, mode, rdev uint32, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	ch, errno := n.LoopbackNode.Mknod(ctx, name, mode, rdev, out)
	if errno == 0 {
		n.pc.created(n.StableAttr().Ino, filepath.Join(n.backingPath(), name))
	}
	return ch, errno
}

func (n *node) Mkdir(ctx context.Context, name string, mode uint32, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	ch, errno := n.LoopbackNode.Mkdir(ctx, name, mode, out)
	if errno == 0 {
		n.pc.created(n.StableAttr().Ino, filepath.Join(n.backingPath(), name))
	}
	return ch, errno
}

func (n *node) Symlink(ctx context.Context, target, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	ch, errno := n.LoopbackNode.Symlink(ctx, target, name, out)
	if errno == 0 {
		n.pc.created(n.StableAttr().Ino, filepath.Join(n.backingPath(), name))
	}
	return ch, errno
}

func (n *node) Link(ctx context.Context, target fs.InodeEmbedder, name string, out *fuse.EntryOut) (*fs.Inode, syscall.Errno) {
	if t, ok := target.(*node); ok {
		target = t.LoopbackNode
	}
	ch, errno := n.LoopbackNode.Link(ctx, target, name, out)
	if errno == 0 {
		n.pc.created(n.StableAttr().Ino, filepath.Join(n.backingPath(), name))
	}
	return ch, errno
}

// Rename keeps a link to a file it replaces, so a cut can put it back.
func (n *node) Rename(ctx context.Context, name string, newParent fs.InodeEmbedder, newName string, flags uint32) syscall.Errno {
	np, ok := newParent.(*node)
	if !ok {
		return syscall.EXDEV
	}
	from, to := filepath.Join(n.backingPath(), name), filepath.Join(np.backingPath(), newName)
	op := nameOp{dir: np.StableAttr().Ino, path: to, from: from}
	if st, err := os.Lstat(to); err == nil && !st.IsDir() {
		n.pc.mu.Lock()
		n.pc.stashN++
		op.stash = filepath.Join(n.pc.stash, strconv.Itoa(n.pc.stashN))
		n.pc.mu.Unlock()
		if err := os.Link(to, op.stash); err != nil {
			return fs.ToErrno(err)
		}
	}
	if errno := n.LoopbackNode.Rename(ctx, name, np.LoopbackNode, newName, flags); errno != 0 {
		if op.stash != "" {
			os.Remove(op.stash)
		}
		return errno
	}
	n.pc.mu.Lock()
	n.pc.names = append(n.pc.names, op)
	n.pc.mu.Unlock()
	return 0
}

// OpendirHandle wraps the loopback directory stream to see fsyncs of the
// directory.
func (n *node) OpendirHandle(ctx context.Context, flags uint32) (fs.FileHandle, uint32, syscall.Errno) {
	fh, fuseFlags, errno := n.LoopbackNode.OpendirHandle(ctx, flags)
	if errno != 0 {
		return nil, 0, errno
	}
	ds, ok := fh.(dirStream)
	if !ok {
		return fh, fuseFlags, 0
	}
	return &dirHandle{dirStream: ds, n: n}, fuseFlags, 0
}

type dirStream interface {
	fs.FileReleasedirer
	fs.FileSeekdirer
	fs.FileFsyncdirer
	fs.FileReaddirenter
}

// dirHandle is an open directory: an fsync of it makes its names durable.
type dirHandle struct {
	dirStream
	n *node
}

func (d *dirHandle) Fsyncdir(ctx context.Context, flags uint32) syscall.Errno {
	d.n.pc.dirSynced(d.n.StableAttr().Ino)
	return d.dirStream.Fsyncdir(ctx, flags)
}

func (n *node) handle(fd *os.File) (*handle, syscall.Errno) {
	fl, err := n.pc.fileFor(n.StableAttr().Ino, fd)
	if err != nil {
		fd.Close()
		return nil, fs.ToErrno(err)
	}
	return &handle{fd: fd, fl: fl, pc: n.pc}, 0
}

// file returns the page cache of this node, if it has one.
func (n *node) file() *file {
	n.pc.mu.Lock()
	defer n.pc.mu.Unlock()
	return n.pc.files[n.StableAttr().Ino]
}

func (fl *file) currentSize() int64 {
	fl.mu.Lock()
	defer fl.mu.Unlock()
	return fl.size
}

func (n *node) Getattr(ctx context.Context, f fs.FileHandle, out *fuse.AttrOut) syscall.Errno {
	if errno := n.LoopbackNode.Getattr(ctx, nil, out); errno != 0 {
		return errno
	}
	if fl := n.file(); fl != nil {
		out.Size = uint64(fl.currentSize())
		out.Blocks = (out.Size + 511) / 512
	}
	return 0
}

func (n *node) Statx(ctx context.Context, f fs.FileHandle, flags uint32, mask uint32, out *fuse.StatxOut) syscall.Errno {
	if errno := n.LoopbackNode.Statx(ctx, nil, flags, mask, out); errno != 0 {
		return errno
	}
	if fl := n.file(); fl != nil {
		out.Size = uint64(fl.currentSize())
		out.Blocks = (out.Size + 511) / 512
	}
	return 0
}

func (n *node) Setattr(ctx context.Context, f fs.FileHandle, in *fuse.SetAttrIn, out *fuse.AttrOut) syscall.Errno {
	if size, ok := in.GetSize(); ok {
		fl := n.file()
		if fl == nil {
			fd, err := os.OpenFile(n.backingPath(), os.O_RDWR, 0)
			if err != nil {
				return fs.ToErrno(err)
			}
			fl, err = n.pc.fileFor(n.StableAttr().Ino, fd)
			fd.Close()
			if err != nil {
				return fs.ToErrno(err)
			}
		}
		fl.truncate(int64(size))
		in.Valid &^= fuse.FATTR_SIZE
	}
	if errno := n.LoopbackNode.Setattr(ctx, nil, in, out); errno != 0 {
		return errno
	}
	if fl := n.file(); fl != nil {
		out.Size = uint64(fl.currentSize())
		out.Blocks = (out.Size + 511) / 512
	}
	return 0
}

// CopyFileRange is refused so the kernel copies through Read and Write,
// which see the page cache.
func (n *node) CopyFileRange(ctx context.Context, fhIn fs.FileHandle, offIn uint64, out *fs.Inode, fhOut fs.FileHandle, offOut uint64, len uint64, flags uint64) (uint32, syscall.Errno) {
	return 0, syscall.EOPNOTSUPP
}

// handle is an open regular file. It has no passthrough descriptor: every
// read and write must come here.
type handle struct {
	fd *os.File
	fl *file
	pc *FS
}

var (
	_ fs.FileReader   = (*handle)(nil)
	_ fs.FileWriter   = (*handle)(nil)
	_ fs.FileFsyncer  = (*handle)(nil)
	_ fs.FileFlusher  = (*handle)(nil)
	_ fs.FileReleaser = (*handle)(nil)
)

func (h *handle) Read(ctx context.Context, buf []byte, off int64) (fuse.ReadResult, syscall.Errno) {
	n, err := h.fl.read(buf, off)
	if err != nil {
		return nil, fs.ToErrno(err)
	}
	return fuse.ReadResultData(buf[:n]), 0
}

func (h *handle) Write(ctx context.Context, data []byte, off int64) (uint32, syscall.Errno) {
	h.fl.write(data, off)
	h.pc.countWrite()
	return uint32(len(data)), 0
}

// Fsync makes this file's writes durable, for fsync and fdatasync alike.
func (h *handle) Fsync(ctx context.Context, flags uint32) syscall.Errno {
	h.pc.countSync()
	return fs.ToErrno(h.fl.sync())
}

func (h *handle) Flush(ctx context.Context) syscall.Errno { return 0 }

func (h *handle) Release(ctx context.Context) syscall.Errno {
	return fs.ToErrno(h.fd.Close())
}

// CopyDisk copies what the disk holds (the backing directory, one level) to
// dst, which must exist. Tests check the copy, never the mount: the process
// serving a FUSE mount deadlocks if it touches a file it memory-maps from that
// mount (SQLite's -shm) while the Go runtime stops the world for a GC, since
// the page fault needs the very goroutines that are stopped. The original
// stays as the cut left it, so the next start recovers it through the mount.
func (f *FS) CopyDisk(dst string) error {
	f.mu.Lock()
	mounted := f.server != nil
	f.mu.Unlock()
	if mounted {
		return errors.New("powercut: copy while mounted: unmount first")
	}
	entries, err := os.ReadDir(f.backing)
	if err != nil {
		return fmt.Errorf("powercut: %w", err)
	}
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(f.backing, e.Name()))
		if err != nil {
			return fmt.Errorf("powercut: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			return fmt.Errorf("powercut: %w", err)
		}
	}
	return nil
}
