package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"github.com/tableside/tableside/store"
)

// Guard decides where notifications may be sent. A webhook URL or a push
// endpoint is somebody else's server on the internet: one that resolves to
// this machine, the restaurant's network or a cloud's metadata address is
// refused (server-side request forgery), unless the server runs with
// -allow-private-hooks, for a relay on the restaurant's LAN and for tests.
// Push endpoints must also be https unless that flag is set.
type Guard struct {
	AllowPrivate bool
	// Resolver looks hosts up; nil is the system's.
	Resolver *net.Resolver
}

// flagHint is how every refusal names the setting that lifts it.
const flagHint = "(a relay on your own network needs -allow-private-hooks or TABLESIDE_ALLOW_PRIVATE_HOOKS)"

// publicAddr reports whether addr is on the public internet: not loopback,
// private (RFC 1918, fc00::/7), link-local, unspecified, multicast, shared
// (100.64/10) or reserved.
func publicAddr(addr netip.Addr) bool {
	addr = addr.Unmap()
	if !addr.IsValid() || addr.IsLoopback() || addr.IsPrivate() || addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() ||
		addr.IsInterfaceLocalMulticast() || addr.IsMulticast() || addr.IsUnspecified() {
		return false
	}
	for _, p := range notPublic {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// notPublic are the ranges beyond Go's own tests (loopback, private, link
// local…) that are not somebody's server on the internet, or that lead to
// an IPv4 address of any kind inside an IPv6 one (IANA's special-purpose
// registries): this network, shared (carrier-grade NAT), IETF protocol
// assignments, benchmarking, reserved; IPv4-compatible (::/96), NAT64 well
// known and local (64:ff9b::/96, 64:ff9b:1::/48), discard-only (100::/64),
// Teredo (2001::/32), documentation, 6to4 (2002::/16), and the old
// site-local fec0::/10.
var notPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"), netip.MustParsePrefix("100.64.0.0/10"), netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("198.51.100.0/24"), netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"), netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("::/96"), netip.MustParsePrefix("64:ff9b::/96"), netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("100::/64"), netip.MustParsePrefix("2001::/32"), netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"), netip.MustParsePrefix("fec0::/10"),
}

// Check refuses a target that may not be sent to: not http(s) (push: not
// https), or a host that resolves to an address that is not public. Its
// message is for the owner or manager who typed the URL.
func (g Guard) Check(ctx context.Context, raw string, push bool) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return store.Errorf(store.EInvalid, "%q is not an http or https URL.", raw)
	}
	if push && u.Scheme != "https" && !g.AllowPrivate {
		return store.Errorf(store.EInvalid, "A push endpoint must be https %s.", flagHint)
	}
	if g.AllowPrivate {
		return nil
	}
	host := u.Hostname()
	addrs, err := g.resolver().LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return store.Errorf(store.EInvalid, "%s cannot be found (DNS).", host)
	}
	for _, a := range addrs {
		if !publicAddr(a) {
			return store.Errorf(store.EInvalid, "%s is a private or local address, %s, and is refused %s.", host, a.Unmap(), flagHint)
		}
	}
	return nil
}

func (g Guard) resolver() *net.Resolver {
	if g.Resolver != nil {
		return g.Resolver
	}
	return net.DefaultResolver
}

// errPrivate is a connection refused at dial time because its address is not
// public: the name resolved to a public address when checked, and to this
// one now (DNS rebinding), or was never checked.
var errPrivate = errors.New("refused: the address is private or local " + flagHint)

// Client is the HTTP client notifications are sent with: it connects only
// to public addresses (checked on the address actually dialled), follows no
// redirect, uses no proxy from the environment, and gives up after timeout.
func (g Guard) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Resolver: g.Resolver,
		Control: func(_, address string, _ syscall.RawConn) error {
			if g.AllowPrivate {
				return nil
			}
			ap, err := netip.ParseAddrPort(address)
			if err != nil || !publicAddr(ap.Addr()) {
				return fmt.Errorf("%s: %w", address, errPrivate)
			}
			return nil
		}}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{DialContext: dialer.DialContext, TLSHandshakeTimeout: 5 * time.Second,
			ResponseHeaderTimeout: timeout, MaxIdleConnsPerHost: 4, IdleConnTimeout: time.Minute, ForceAttemptHTTP2: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
