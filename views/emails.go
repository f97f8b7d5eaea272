package views

import (
	"fmt"
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
