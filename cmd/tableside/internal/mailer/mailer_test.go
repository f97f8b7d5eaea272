package mailer

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/wneessen/go-mail"
)

// TestNamesNeverBreakHeaders: a name or subject with CR/LF (an account from
// before names were checked) is sent on one line, with no header of its
// own, and the mail still goes.
func TestNamesNeverBreakHeaders(t *testing.T) {
	var sent []*mail.Msg
	m := &Mailer{from: "Tableside <tableside@example.com>", send: func(_ context.Context, msgs ...*mail.Msg) error {
		sent = append(sent, msgs...)
		return nil
	}}
	err := m.Send(context.Background(), Message{ToName: "Kim\r\nBcc: victim@evil.example", To: "kim@example.com",
		Subject: "Your week\r\nX-Injected: yes", Text: "Hello"})
	if err != nil || len(sent) != 1 {
		t.Fatalf("send: %v, %d sent", err, len(sent))
	}
	var buf bytes.Buffer
	if _, err := sent[0].WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	head, _, _ := strings.Cut(buf.String(), "\r\n\r\n")
	for _, line := range strings.Split(head, "\r\n") {
		if strings.HasPrefix(line, "Bcc:") || strings.HasPrefix(line, "X-Injected:") {
			t.Errorf("an injected header: %q", line)
		}
	}
	if !strings.Contains(head, "kim@example.com") {
		t.Errorf("no recipient:\n%s", head)
	}
}
