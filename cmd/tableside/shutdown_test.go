package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestSigtermCutsWhatHangs: the real binary, sent SIGTERM while a client
// holds a POST whose body never comes, another holds a connection it never
// sent a request on, and a third keeps an idle keep-alive connection,
// exits 0 within 3 s, and its log says what it cut (not that live streams
// did not end, when there were none).
func TestSigtermCutsWhatHangs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary: not with -short")
	}
	dir := t.TempDir()
	binary := filepath.Join(dir, "tableside")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command(binary, "-addr", "127.0.0.1:0", "-db", filepath.Join(dir, "t.db"), "-demo")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	var logs bytes.Buffer
	var mu sync.Mutex
	addr := make(chan string, 1)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			mu.Lock()
			logs.WriteString(sc.Text() + "\n")
			mu.Unlock()
			if m := regexp.MustCompile(`msg=serving url=http://(\S+)`).FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
	}()
	var host string
	select {
	case host = <-addr:
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not start")
	}
	dial := func() net.Conn {
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	stalled := dial()
	io.WriteString(stalled, "POST /login HTTP/1.1\r\nHost: "+host+"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nemail=")
	dial() // connected, never a byte
	kept := dial()
	io.WriteString(kept, "GET /healthz HTTP/1.1\r\nHost: "+host+"\r\n\r\n")
	if _, err := bufio.NewReader(kept).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the server has read the stalled request's headers

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	took := time.Since(start)
	<-readDone
	mu.Lock()
	log := logs.String()
	mu.Unlock()
	var exit *exec.ExitError
	if errors.As(err, &exit) || err != nil {
		t.Fatalf("exit: %v after %v\n%s", err, took, log)
	}
	if took > 3*time.Second {
		t.Errorf("SIGTERM took %v to stop the server, want ≤ 3 s", took)
	}
	if !strings.Contains(log, "cut the connections that had not finished in time") || !strings.Contains(log, "requests_under_way=1") ||
		!strings.Contains(log, "connections_without_a_request=1") || strings.Contains(log, "live streams") {
		t.Errorf("the log of the stop:\n%s", log)
	}
	t.Logf("SIGTERM to exit 0: %v", took)
}
