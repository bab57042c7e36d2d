//go:build !linux

package main

import "errors"

// readRSS is only measured on Linux, where /proc/self/status tells it.
func readRSS() (memory, error) {
	return memory{}, errors.New("RSS is only measured on Linux")
}

func dropCaches() error { return errors.New("-cold works on Linux only") }
