package main

import (
	"bytes"
	"io"
	"net"
	"testing"
	"time"
)

// TestLatencyProxy: what goes through the proxy arrives whole and in order,
// each way delay later, so a request and its answer take two delays more.
func TestLatencyProxy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // an echo server
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { io.Copy(c, c); c.Close() }()
		}
	}()
	const delay = 20 * time.Millisecond
	p, err := startLatencyProxy(ln.Addr().String(), delay)
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	c, err := net.Dial("tcp", p.addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	msg := bytes.Repeat([]byte("tableside "), 20000) // 200 KB, many chunks
	start := time.Now()
	go c.Write(msg)
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(c, got); err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	if !bytes.Equal(got, msg) {
		t.Fatal("the bytes came back changed or out of order")
	}
	if took < 2*delay {
		t.Fatalf("a round trip took %v, want at least %v", took, 2*delay)
	}
}
