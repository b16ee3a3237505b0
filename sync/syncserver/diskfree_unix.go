//go:build unix

package syncserver

import "syscall"

func diskSpace(dir string) (free, size uint64, ok bool) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, 0, false
	}
	bs := uint64(st.Bsize) // int64 on linux, uint32 on some BSDs
	return st.Bavail * bs, st.Blocks * bs, true
}
