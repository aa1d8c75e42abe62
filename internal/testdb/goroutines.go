package testdb

import (
	"runtime"
	"strings"
)

// Goroutines counts the running goroutines whose stack mentions code, for example
// "internal/network.(*Service)", so that a test can check that something it stopped left
// nothing running.
func Goroutines(code string) int {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	count := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, code) {
			count++
		}
	}
	return count
}
