package powercut

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// KillChild re-runs this test binary as the child test (with env set), kills
// it with SIGKILL after delay (counted from its READY line when waitReady)
// and returns the lines it printed (each one only after what it reports was
// committed), without READY. A line "ERR ..." fails it.
func KillChild(test, env string, waitReady bool, delay time.Duration) ([]string, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^"+test+"$", "-test.count=1")
	cmd.Env = append(os.Environ(), env)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	lines := make(chan string, 1024)
	go func() {
		defer close(lines)
		r := bufio.NewReader(out)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				return // EOF: a cut-off last line is dropped, it was never reported
			}
			lines <- strings.TrimSuffix(line, "\n")
		}
	}()
	var reported []string
	var childErr string
	handle := func(line string) {
		switch {
		case strings.HasPrefix(line, "ERR "):
			childErr = line
		case line == "READY", line == "PASS", line == "FAIL", line == "", strings.HasPrefix(line, "---"),
			strings.HasPrefix(line, "==="), strings.HasPrefix(line, "ok "):
		default:
			reported = append(reported, line)
		}
	}
	var killAt <-chan time.Time
	if !waitReady {
		killAt = time.After(delay)
	}
	if waitReady {
		// No wall-clock limit on start-up: a loaded machine may take long to
		// start the child; a child that dies is seen as a closed pipe, and a
		// hang is caught by go test's own -timeout.
	ready:
		for line := range lines {
			if line == "READY" {
				killAt = time.After(delay)
				break ready
			}
			handle(line)
		}
		if killAt == nil {
			cmd.Wait()
			return nil, fmt.Errorf("child exited before READY: %s %s", childErr, stderr.String())
		}
	}
	for waiting := true; waiting; {
		select {
		case line, ok := <-lines:
			if !ok {
				waiting = false
				break
			}
			handle(line)
		case <-killAt:
			waiting = false
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		return nil, fmt.Errorf("kill: %w", err)
	}
	for line := range lines {
		handle(line)
	}
	io.Copy(io.Discard, out)
	err = cmd.Wait()
	if childErr != "" {
		return nil, fmt.Errorf("child failed: %s %s", childErr, stderr.String())
	}
	if err == nil {
		return nil, fmt.Errorf("child exited by itself: %s", stderr.String())
	}
	return reported, nil
}
