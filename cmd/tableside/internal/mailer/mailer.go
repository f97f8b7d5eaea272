// Package mailer sends email over SMTP, configured by one URL: the Monday
// digest and the escalation emails go through it.
package mailer

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/wneessen/go-mail"
)

// Mailer sends mail from one address through one server.
type Mailer struct {
	from string
	send func(ctx context.Context, msgs ...*mail.Msg) error
}

// Message is one email: a plain-text body, and an HTML one if HTML is set.
type Message struct {
	ToName, To, Subject, Text, HTML string
}

// New checks the SMTP URL (empty: no mail, and a nil Mailer) and the sender;
// a bad setting is an error at start, not when the first mail is due.
func New(smtpURL, from string) (*Mailer, error) {
	if smtpURL == "" {
		return nil, nil
	}
	client, err := smtpClient(smtpURL)
	if err != nil {
		return nil, err
	}
	if err := mail.NewMsg().From(from); err != nil {
		return nil, fmt.Errorf("the mail sender %q is not an address: %w", from, err)
	}
	return &Mailer{from: from, send: client.DialAndSendWithContext}, nil
}

// Send sends one message.
func (m *Mailer) Send(ctx context.Context, msg Message) error {
	out := mail.NewMsg()
	if err := out.From(m.from); err != nil {
		return fmt.Errorf("sender %q: %w", m.from, err)
	}
	// A name or subject never breaks the headers: control characters (a
	// CR or LF from an old account's name) are dropped, and a name the
	// library still refuses is left out rather than the mail.
	if err := out.AddToFormat(oneLine(msg.ToName), msg.To); err != nil {
		if err := out.To(msg.To); err != nil {
			return err
		}
	}
	out.Subject(oneLine(msg.Subject))
	out.SetDate()
	out.SetMessageID()
	out.SetBodyString(mail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		out.AddAlternativeString(mail.TypeTextHTML, msg.HTML)
	}
	return m.send(ctx, out)
}

// smtpClient builds a go-mail client from an SMTP URL.
func smtpClient(raw string) (*mail.Client, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("the SMTP setting is not a URL like smtp://user:password@mail.example.com:587")
	}
	opts := []mail.Option{mail.WithTimeout(30 * time.Second)}
	port := 587
	switch u.Scheme {
	case "smtp":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "smtps":
		port = 465
		opts = append(opts, mail.WithSSL())
	case "smtp+insecure":
		port = 25
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		return nil, fmt.Errorf("the SMTP URL's scheme is smtp, smtps or smtp+insecure, not %q", u.Scheme)
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("the SMTP port %q is not a number", p)
		}
	}
	opts = append(opts, mail.WithPort(port))
	if u.User != nil {
		pass, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(u.User.Username()), mail.WithPassword(pass))
	}
	return mail.NewClient(u.Hostname(), opts...)
}

// oneLine drops control characters, so a value stays on its header's line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)), " ")
}
