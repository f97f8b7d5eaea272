package views

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/tableside/tableside/store"
)

// Every email Tableside sends is worded here (the digest's body is the
// summary's own, SummaryText and DigestEmail).

// ResetEmail is the email with a link to choose a new password.
func ResetEmail(name, link string) (subject, text string) {
	return "Choose a new Tableside password",
		"Hello " + name + ",\n\nsomeone (we hope you) asked to choose a new password for your Tableside account.\n" +
			"This link works once, for 30 minutes:\n\n" + link + "\n\nIf it was not you, ignore this email: your password stays as it is.\n"
}

// InviteEmail invites name, from inviter, to manage a restaurant.
func InviteEmail(name, inviter, restaurant, link string) (subject, text string) {
	return "Join " + restaurant + " on Tableside",
		"Hello " + name + ",\n\n" + inviter + " invites you to manage " + restaurant +
			" on Tableside, where guests' feedback and calls for help reach the floor.\n\nAccept within a week:\n\n" + link + "\n"
}

// EscalationEmail tells an owner with no phone that a guest is still
// waiting with nobody on the way, at now, with the floor's address.
func EscalationEmail(a store.Alert, restaurant, floorURL string, now time.Time) (subject, text string) {
	subject = "Still waiting at " + restaurant + ": " + AlertHeadline(a)
	text = fmt.Sprintf("A guest at %s has been waiting %s and nobody has said they are on the way.\n\n%s\n",
		restaurant, Waiting(a.CreatedAt, now), AlertHeadline(a))
	if a.Comment != "" {
		text += "\n“" + a.Comment + "”\n"
	}
	return subject, text + "\nOpen the floor: " + floorURL + "\n"
}

// DigestSubject is the Monday digest's subject: its week at a glance.
func DigestSubject(title, week string, s store.WeekStats) string {
	subject := fmt.Sprintf("%s, week %s: %s responses, %s complaints", title, week, Count(s.Responses), Count(s.Complained.Total()))
	if avg, ok := s.Average(); ok {
		subject += ", average " + Rating(avg)
	}
	return subject
}

// OfferLetter is the email that brings an offer to its guest, in the
// language of their survey.
type OfferLetter struct {
	T          T
	Lang, Dir  string
	Subject    string
	Hello      string // "" with no name
	Offer      *OfferView
	Restaurant string
	ReceiptURL string
}

// OfferEmail words the email of an offer to the guest of restaurant r who
// consented to be contacted, as plain text and HTML, with its code and a
// link to their receipt (receiptURL), which shows it as a QR code.
func OfferEmail(ctx context.Context, r store.Restaurant, l store.OfferLetter, receiptURL string) (store.EmailMessage, error) {
	t := Translator(l.Language)
	m := OfferLetter{T: t, Subject: t.S("offer.email.subject", r.Name), Offer: NewGuestOfferView(l.Offer, r, t, l.Code, l.Offer.CreatedAt),
		Restaurant: r.Name, ReceiptURL: receiptURL}
	m.Lang, m.Dir = PageLanguage(t.Lang)
	if l.GuestName != "" {
		m.Hello = t.S("offer.email.hello", l.GuestName)
	}
	var text strings.Builder
	if m.Hello != "" {
		text.WriteString(m.Hello + "\n\n")
	}
	fmt.Fprintf(&text, "%s\n\n%s\n\n%s\n%s\n%s\n\n%s\n%s\n\n%s\n%s\n", t.S("receipt.offer"), m.Offer.What,
		t.S("offer.email.code"), m.Offer.Code, t.S("receipt.offer.until", m.Offer.Until),
		t.S("offer.email.receipt"), receiptURL, r.Name, t.S("offer.email.why", r.Name))
	var html strings.Builder
	if err := OfferEmailHTML(m).Render(ctx, &html); err != nil {
		return store.EmailMessage{}, err
	}
	return store.EmailMessage{ToName: l.GuestName, To: l.To, Subject: m.Subject, Text: text.String(), HTML: html.String()}, nil
}
