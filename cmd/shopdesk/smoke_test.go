package main

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestMain lets the smoke test start this binary as the real program.
func TestMain(m *testing.M) {
	if args := os.Getenv("SHOPDESK_SMOKE_ARGS"); args != "" {
		os.Exit(run(strings.Fields(args), os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// TestWindowSmoke opens the real window on an X display (Xvfb in CI) and
// checks that it comes up and stays up. CI always has a display; only a
// developer's machine without one skips.
func TestWindowSmoke(t *testing.T) {
	if os.Getenv("DISPLAY") == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI must provide an X display (Xvfb) for the window smoke test")
		}
		t.Skip("no X display")
	}
	for _, c := range []struct{ name, args string }{
		{"empty desk", "--data-dir " + t.TempDir()},
		{"demo", "demo"},
	} {
		t.Run(c.name, func(t *testing.T) { smoke(t, c.args) })
	}
}

func smoke(t *testing.T, args string) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SHOPDESK_SMOKE_ARGS="+args, "XDG_CACHE_HOME="+t.TempDir(), "TMPDIR="+t.TempDir(), "LANG=zh_CN.UTF-8")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	shown := make(chan bool, 1)
	var log strings.Builder
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), "window shown") {
				shown <- true
			}
		}
		exited <- cmd.Wait()
	}()
	defer cmd.Process.Kill()
	select {
	case <-shown:
	case err := <-exited:
		t.Fatalf("the desk exited before its window showed: %v\n%s", err, log.String())
	case <-time.After(60 * time.Second):
		t.Fatalf("no window within 60s\n%s", log.String())
	}
	// It must stay up, and the X server must know a window named Shopdesk.
	select {
	case err := <-exited:
		t.Fatalf("the desk exited after showing its window: %v\n%s", err, log.String())
	case <-time.After(2 * time.Second):
	}
	out, err := exec.Command("xdotool", "search", "--name", "Shopdesk").Output()
	if err != nil || strings.TrimSpace(string(out)) == "" {
		t.Errorf("no X window named Shopdesk (xdotool: %v)", err)
	}
}
