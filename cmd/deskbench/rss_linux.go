//go:build linux

package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// readRSS reads the process's memory from /proc/self/status: the resident
// set (VmRSS), its peak (VmHWM) and how much of it is file pages (RssFile:
// here mostly the database's memory map, which the kernel can drop).
func readRSS() (memory, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return memory{}, err
	}
	defer f.Close()
	fields := map[string]*int64{}
	var m memory
	fields["VmRSS"], fields["VmHWM"], fields["RssFile"] = &m.RSS, &m.PeakRSS, &m.FileRSS
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		key, val, ok := strings.Cut(sc.Text(), ":")
		dst := fields[key]
		if !ok || dst == nil {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 10, 64)
		if err != nil {
			return memory{}, fmt.Errorf("read %s: %w", key, err)
		}
		*dst = kb << 10
	}
	if err := sc.Err(); err != nil {
		return memory{}, err
	}
	if m.RSS == 0 {
		return memory{}, fmt.Errorf("no VmRSS in /proc/self/status")
	}
	return m, nil
}

// dropCaches empties the kernel's page cache (root only), so the next
// start reads the program and the database from disk: a cold start.
func dropCaches() error {
	syscall.Sync()
	if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("3\n"), 0); err != nil {
		return fmt.Errorf("drop the page cache (needs root): %w", err)
	}
	return nil
}
