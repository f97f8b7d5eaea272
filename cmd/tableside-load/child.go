package main

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/tableside/tableside/store"
)

// child is a tableside server running as a process of its own, so that a load
// run measures its memory alone and a crash test can kill it.
type child struct {
	cmd  *exec.Cmd
	URL  string
	done chan error
}

// startChild runs binary as a server on a free loopback port with the
// database file, and waits until it answers /healthz.
func startChild(ctx context.Context, binary, db string, extra ...string) (*child, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	args := append([]string{"-addr", addr, "-db", db, "-survey-limit", "0"}, extra...)
	c := &child{cmd: exec.Command(binary, args...), URL: "http://" + addr, done: make(chan error, 1)}
	c.cmd.Env = append(os.Environ(), "TABLESIDE_SMTP=")
	if err := c.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { c.done <- c.cmd.Wait() }()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(c.URL + "/healthz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return c, nil
			}
		}
		select {
		case err := <-c.done:
			return nil, fmt.Errorf("the server exited at start: %v", err)
		case <-ctx.Done():
			c.kill()
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
	c.kill()
	return nil, fmt.Errorf("the server did not answer on %s", c.URL)
}

// peakMemory is the most memory the process has held (VmHWM), from /proc.
func (c *child) peakMemory() (int64, error) { return c.memory("VmHWM") }

// memory reads one of the process's memory figures from /proc (VmHWM, the
// peak resident set; VmRSS, the resident set now), in bytes.
func (c *child) memory(field string) (int64, error) {
	f, err := os.Open("/proc/" + strconv.Itoa(c.cmd.Process.Pid) + "/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		if v, ok := strings.CutPrefix(lines.Text(), field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, fmt.Errorf("no %s in /proc status", field)
}

// stop asks the server to finish (SIGTERM) and waits for it.
func (c *child) stop() error {
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-c.done:
		return err
	case <-time.After(15 * time.Second):
		c.kill()
		return fmt.Errorf("the server did not stop within 15 s")
	}
}

// kill ends the server at once, as a power cut of the process would.
func (c *child) kill() {
	c.cmd.Process.Kill()
	<-c.done
}

// startOne sets up one restaurant of tables tables and its manager in the
// database file, and starts the server on it. The store stays open for the
// caller to check what was stored; both must be closed.
func startOne(ctx context.Context, binary, file string, tables int, extra ...string) (*store.DB, rushSite, *child, error) {
	db, err := store.Open(ctx, file)
	if err != nil {
		return nil, rushSite{}, nil, err
	}
	sites, err := prepareRush(ctx, db, 1, tables)
	if err != nil {
		db.Close()
		return nil, rushSite{}, nil, err
	}
	srv, err := startChild(ctx, binary, file, extra...)
	if err != nil {
		db.Close()
		return nil, rushSite{}, nil, err
	}
	return db, sites[0], srv, nil
}
