package views

import (
	"net/url"
	"strings"
)

// Login is the sign-in page.
type Login struct {
	Email string
	Next  string
	CSRF  string
	Error string
}

// Account is a staff member's own page: their name, their password, and
// where they are signed in.
type Account struct {
	Email, Name                                 string
	NameAction, PasswordAction, EndOthersAction string
	Sessions                                    []SessionRow
	Devices                                     []DeviceRow
	Errors                                      FieldErrors
	Flash                                       string
}

// DeviceRow is a phone or browser notified of a restaurant's calls, with
// the form that stops it.
type DeviceRow struct {
	Device, Restaurant, Since, Service string
	Current                            bool // subscribed in this sign-in
	RemoveAction                       string
}

// PushService names the push service of a subscription's endpoint, which
// says what kind of browser it is: "Google (Chrome, Android)".
func PushService(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "a push service"
	}
	host := u.Hostname()
	switch {
	case strings.HasSuffix(host, "googleapis.com"):
		return "Google (Chrome, Edge, Android)"
	case strings.HasSuffix(host, "mozilla.com"):
		return "Mozilla (Firefox)"
	case strings.HasSuffix(host, "push.apple.com"):
		return "Apple (Safari, iPhone)"
	case strings.HasSuffix(host, "notify.windows.com"):
		return "Microsoft (Edge)"
	}
	return host
}

// SessionRow is one browser signed in to an account.
type SessionRow struct {
	Device, Address, Started, LastSeen string
	Current                            bool
}

// Forgot is the form that asks for a password reset link.
type Forgot struct {
	CSRF, Email string
	// Mail says whether this server can send email; without it the page
	// says whom to ask instead.
	Mail, Sent bool
	Error      string
}

// Reset is the form that sets a new password from a reset link.
type Reset struct {
	CSRF, Action, Email string
	Errors              FieldErrors
}

// Invite is the page of an invitation to work at a restaurant.
type Invite struct {
	CSRF, Action     string
	Restaurant, Role string
	Email, Name      string
	SignInURL        string
	SignedInAs       string // the account signed in now, if any
	Errors           FieldErrors
}
