package watch

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkSetup measures the time from New to ready on a generated
// repository: directories of 10 files each plus a node_modules that must
// cost nothing. By default it has 1,000 directories, 10,000 files and a
// 5,000-file node_modules; EIGHTFOLD_BENCH_FULL=1 gives the size,
// 10,000 directories, 100,000 files and a 50,000-file node_modules.
//
//	go test -run '^$' -bench Setup -benchtime 10x ./backend/watch/
func BenchmarkSetup(b *testing.B) {
	root, dirs := benchRepo(b)
	var w *Watcher
	for b.Loop() {
		var err error
		if w, err = New(Options{Root: root}); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if w.Dirs() < dirs {
			b.Fatalf("watching %d directories, want at least %d", w.Dirs(), dirs)
		}
		w.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(w.Dirs()), "dirs")
	b.ReportMetric(peakRSS(b), "MB-peak-RSS")
}

// generateRepo writes a repository of dirs directories (a tree three levels
// deep) of 10 files each, and a node_modules of modules files.
func generateRepo(b *testing.B, root string, dirs, modules int) {
	writeFile(b, filepath.Join(root, ".gitignore"), "bin/\n*.log\n")
	for i := range dirs {
		dir := filepath.Join(root, "src", fmt.Sprintf("a%d/b%d/c%d", i%10, i/10%10, i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			b.Fatal(err)
		}
		for f := range 10 {
			writeFile(b, filepath.Join(dir, fmt.Sprintf("file%d.go", f)), "package c\n")
		}
	}
	for i := range modules {
		writeFile(b, filepath.Join(root, "node_modules", fmt.Sprintf("pkg%d/lib/f%d.js", i/100, i)), "x\n")
	}
}

// peakRSS returns the process's peak resident set size in MB, from
// /proc/self/status, or 0 where that is not available.
func peakRSS(b *testing.B) float64 {
	runtime.GC()
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			if err != nil {
				b.Fatal(err)
			}
			return float64(kb) / 1024
		}
	}
	return 0
}
