// Package mailtest is a real SMTP server for tests (emersion/go-smtp,
// in-process), which keeps what it is sent and reads it as a mail client
// does: the subject decoded, the plain-text and HTML parts apart.
package mailtest

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Mailbox is an SMTP server listening on Addr.
type Mailbox struct {
	Addr string
	srv  *smtp.Server
	mu   sync.Mutex
	got  []Mail
	more chan struct{}
}

// Mail is one message as received.
type Mail struct {
	To      []string // the envelope's recipients
	Raw     []byte
	Subject string
	// Type is the message's media type; Text and HTML its parts (or its
	// body, by its type).
	Type, Text, HTML string
}

// Start listens on addr ("127.0.0.1:0" for any port) until the test ends.
func Start(t testing.TB, addr string) *Mailbox {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	m := &Mailbox{Addr: ln.Addr().String(), more: make(chan struct{}, 1)}
	m.srv = smtp.NewServer(m)
	m.srv.Domain = "localhost"
	go m.srv.Serve(ln)
	t.Cleanup(func() { m.srv.Close() })
	return m
}

// URL is the server's address as Tableside's -smtp setting.
func (m *Mailbox) URL() string { return "smtp+insecure://" + m.Addr }

// Close stops the server, as a mail server that goes away.
func (m *Mailbox) Close() error { return m.srv.Close() }

// Received is every message received so far, in order.
func (m *Mailbox) Received() []Mail {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Mail(nil), m.got...)
}

// WaitTo waits up to d for a message to the address to, and returns all
// those received for it.
func (m *Mailbox) WaitTo(to string, d time.Duration) []Mail {
	deadline := time.After(d)
	for {
		var got []Mail
		for _, mail := range m.Received() {
			if slices.Contains(mail.To, to) {
				got = append(got, mail)
			}
		}
		if len(got) > 0 {
			return got
		}
		select {
		case <-m.more:
		case <-deadline:
			return nil
		}
	}
}

// NewSession is go-smtp's Backend.
func (m *Mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{box: m}, nil }

type session struct {
	box *Mailbox
	to  []string
}

func (s *session) Reset()                                    { s.to = nil }
func (s *session) Logout() error                             { return nil }
func (s *session) Mail(string, *smtp.MailOptions) error      { return nil }
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error { s.to = append(s.to, to); return nil }
func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	got := Mail{To: s.to, Raw: raw}
	if err := got.parse(); err != nil {
		return err
	}
	s.box.mu.Lock()
	s.box.got = append(s.box.got, got)
	s.box.mu.Unlock()
	select {
	case s.box.more <- struct{}{}:
	default:
	}
	return nil
}

// parse reads the subject and the parts of a message.
func (m *Mail) parse() error {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return err
	}
	m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return err
	}
	var params map[string]string
	m.Type, params, err = mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		return err
	}
	if !strings.HasPrefix(m.Type, "multipart/") {
		body, err := io.ReadAll(decoded(msg.Header.Get("Content-Transfer-Encoding"), msg.Body))
		m.set(m.Type, string(body))
		return err
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		// multipart decodes quoted-printable itself, not base64
		body, err := io.ReadAll(decoded(p.Header.Get("Content-Transfer-Encoding"), p))
		if err != nil {
			return err
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		m.set(ct, string(body))
	}
}

// decoded reads a body in its transfer encoding.
func decoded(encoding string, r io.Reader) io.Reader {
	switch strings.ToLower(encoding) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, r)
	case "quoted-printable":
		return quotedprintable.NewReader(r)
	}
	return r
}

func (m *Mail) set(mediaType, body string) {
	switch mediaType {
	case "text/plain":
		m.Text = body
	case "text/html":
		m.HTML = body
	}
}
