package notify_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tableside/tableside/store"
)

// phone is a browser's side of Web Push, written from the specifications
// and not from the sender's code: it holds a subscription's keys, and its
// push service (an httptest server) decrypts each message (RFC 8291, with
// the aes128gcm content coding of RFC 8188) and checks its VAPID
// authorization (RFC 8292) before it keeps it.
type phone struct {
	t    *testing.T
	srv  *httptest.Server
	key  *ecdh.PrivateKey
	auth []byte
	// vapid is the server's public key, which every message must be signed
	// with; subject is the contact its JWT must name.
	vapid, subject string
	now            func() time.Time
	session        string // the sign-in that subscribed it

	mu       sync.Mutex
	status   int // what to answer; 201 by default
	messages []pushed
	errs     []error
}

// pushed is one message the phone's push service accepted.
type pushed struct {
	Title, Body, Tag, URL, Kind string
	Urgent                      bool
	Alert                       int64
	Urgency, TTL, Topic         string
	At                          time.Time
}

func newPhone(t *testing.T, vapid, subject string, now func() time.Time) *phone {
	t.Helper()
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p := &phone{t: t, key: key, auth: make([]byte, 16), vapid: vapid, subject: subject, now: now, status: http.StatusCreated}
	rand.Read(p.auth)
	p.srv = httptest.NewServer(http.HandlerFunc(p.receive))
	t.Cleanup(p.srv.Close)
	return p
}

// subscription is what the browser's PushSubscription.toJSON() would give.
func (p *phone) subscription(userID, restaurantID int64) store.PushSubscription {
	enc := base64.RawURLEncoding.EncodeToString
	return store.PushSubscription{UserID: userID, RestaurantID: restaurantID, Endpoint: p.srv.URL + "/push/" + enc(p.auth[:6]),
		P256dh: enc(p.key.PublicKey().Bytes()), Auth: enc(p.auth)}
}

func (p *phone) answer(status int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.status = status
}

func (p *phone) received() []pushed {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.errs) > 0 {
		p.t.Errorf("the push service refused messages: %v", p.errs)
		p.errs = nil
	}
	return append([]pushed(nil), p.messages...)
}

func (p *phone) receive(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	m, err := p.check(r, body)
	p.mu.Lock()
	defer p.mu.Unlock()
	if err != nil {
		p.errs = append(p.errs, err)
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	m.At = time.Now()
	if p.status == http.StatusCreated {
		p.messages = append(p.messages, m)
	}
	w.WriteHeader(p.status)
}

func (p *phone) check(r *http.Request, body []byte) (pushed, error) {
	var m pushed
	if r.Method != http.MethodPost || r.Header.Get("Content-Encoding") != "aes128gcm" {
		return m, fmt.Errorf("%s with Content-Encoding %q", r.Method, r.Header.Get("Content-Encoding"))
	}
	m.TTL, m.Urgency, m.Topic = r.Header.Get("TTL"), r.Header.Get("Urgency"), r.Header.Get("Topic")
	if ttl, err := strconv.Atoi(m.TTL); err != nil || ttl <= 0 {
		return m, fmt.Errorf("TTL %q", m.TTL)
	}
	if err := p.checkVAPID(r); err != nil {
		return m, err
	}
	plain, err := p.decrypt(body)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(plain, &m); err != nil {
		return m, fmt.Errorf("payload %q: %v", plain, err)
	}
	return m, nil
}

// checkVAPID verifies "Authorization: vapid t=JWT, k=KEY" (RFC 8292): k is
// the server's key, the JWT is ES256-signed by it, aud is the push
// service's origin, exp is in the next 24 hours, sub is the contact.
func (p *phone) checkVAPID(r *http.Request) error {
	h := r.Header.Get("Authorization")
	params := map[string]string{}
	rest, ok := strings.CutPrefix(h, "vapid ")
	if !ok {
		return fmt.Errorf("authorization %q is not vapid", h)
	}
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		params[k] = v
	}
	if params["k"] != p.vapid {
		return fmt.Errorf("k=%s, want the server's key %s", params["k"], p.vapid)
	}
	pubBytes, err := base64.RawURLEncoding.DecodeString(params["k"])
	if err != nil {
		return err
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), pubBytes)
	if err != nil {
		return err
	}
	parts := strings.Split(params["t"], ".")
	if len(parts) != 3 {
		return fmt.Errorf("the token is not a JWT")
	}
	var header struct{ Alg, Typ string }
	if err := decodeJSON(parts[0], &header); err != nil || header.Alg != "ES256" {
		return fmt.Errorf("JWT header %+v, %v", header, err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return fmt.Errorf("the JWT signature is not r||s")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return fmt.Errorf("the JWT signature does not verify")
	}
	var claims struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}
	if err := decodeJSON(parts[1], &claims); err != nil {
		return err
	}
	origin := "http://" + r.Host
	exp := time.Unix(claims.Exp, 0)
	switch {
	case claims.Aud != origin:
		return fmt.Errorf("aud %q, want %q", claims.Aud, origin)
	case exp.Before(time.Now()) || exp.After(time.Now().Add(24*time.Hour)):
		return fmt.Errorf("exp %v is not within the next 24 hours", exp)
	case claims.Sub != p.subject:
		return fmt.Errorf("sub %q, want %q", claims.Sub, p.subject)
	}
	return nil
}

func decodeJSON(part string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(part)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// decrypt opens an aes128gcm message (RFC 8188 §2) with the keys of RFC 8291
// §3.4: the header is salt(16) rs(4) idlen(1) keyid(= the sender's
// ephemeral public key), then one record.
func (p *phone) decrypt(body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("short body")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if len(body) < 21+idlen || rs < 18 {
		return nil, errors.New("bad header")
	}
	asPub, record := body[21:21+idlen], body[21+idlen:]
	if len(record) > int(rs) {
		return nil, fmt.Errorf("a record of %d bytes in a record size of %d", len(record), rs)
	}
	remote, err := ecdh.P256().NewPublicKey(asPub)
	if err != nil {
		return nil, fmt.Errorf("keyid: %v", err)
	}
	shared, err := p.key.ECDH(remote)
	if err != nil {
		return nil, err
	}
	keyInfo := "WebPush: info\x00" + string(p.key.PublicKey().Bytes()) + string(asPub)
	prkKey, _ := hkdf.Extract(sha256.New, shared, p.auth)
	ikm, _ := hkdf.Expand(sha256.New, prkKey, keyInfo, 32)
	prk, _ := hkdf.Extract(sha256.New, ikm, salt)
	cek, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	nonce, _ := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, record, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypting: %v", err)
	}
	// Padding: the data, then 0x02 (the last record's delimiter), then zeros.
	end := len(plain) - 1
	for end >= 0 && plain[end] == 0 {
		end--
	}
	if end < 0 || plain[end] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:end], nil
}

// hookReceiver is another tool's webhook endpoint, checking every delivery
// against the Standard Webhooks specification: webhook-id,
// webhook-timestamp (within five minutes) and webhook-signature ("v1," and
// base64 of HMAC-SHA256 over "id.timestamp.body", keyed with the secret's
// base64-decoded bytes after "whsec_").
type hookReceiver struct {
	t      *testing.T
	srv    *httptest.Server
	secret string
	now    func() time.Time

	mu       sync.Mutex
	fail     int // how many more attempts to answer 500
	hang     chan struct{}
	waiting  int // requests held by hang now, and at most
	most     int
	attempts []hookAttempt
	errs     []error
}

type hookAttempt struct {
	ID, Timestamp string
	Body          []byte
	Verified      bool
	At            time.Time
}

func newHookReceiver(t *testing.T, now func() time.Time) *hookReceiver {
	h := &hookReceiver{t: t, now: now}
	h.srv = httptest.NewServer(http.HandlerFunc(h.receive))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) receive(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	hang := h.hang
	if hang != nil {
		h.waiting++
		h.most = max(h.most, h.waiting)
	}
	h.mu.Unlock()
	if hang != nil {
		defer func() { h.mu.Lock(); h.waiting--; h.mu.Unlock() }()
		select {
		case <-hang:
		case <-r.Context().Done():
			return
		}
	}
	a := hookAttempt{ID: r.Header.Get("webhook-id"), Timestamp: r.Header.Get("webhook-timestamp"), Body: body, At: time.Now()}
	err := h.verify(a, r.Header.Get("webhook-signature"))
	a.Verified = err == nil
	h.mu.Lock()
	defer h.mu.Unlock()
	h.attempts = append(h.attempts, a)
	if err != nil {
		h.errs = append(h.errs, err)
	}
	if h.fail > 0 {
		h.fail--
		http.Error(w, "try again", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *hookReceiver) verify(a hookAttempt, header string) error {
	if a.ID == "" {
		return errors.New("no webhook-id")
	}
	ts, err := strconv.ParseInt(a.Timestamp, 10, 64)
	if err != nil {
		return fmt.Errorf("webhook-timestamp %q", a.Timestamp)
	}
	if d := h.now().Sub(time.Unix(ts, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return fmt.Errorf("webhook-timestamp %d is %v off", ts, d)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(h.secret, "whsec_"))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(a.ID + "." + a.Timestamp + "." + string(a.Body)))
	want := mac.Sum(nil)
	for _, sig := range strings.Fields(header) {
		v, b64, ok := strings.Cut(sig, ",")
		got, err := base64.StdEncoding.DecodeString(b64)
		if ok && v == "v1" && err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("no v1 signature in %q verifies", header)
}

func (h *hookReceiver) got() []hookAttempt {
	h.mu.Lock()
	defer h.mu.Unlock()
	if len(h.errs) > 0 {
		h.t.Errorf("webhook deliveries that do not verify: %v", h.errs)
		h.errs = nil
	}
	return append([]hookAttempt(nil), h.attempts...)
}

var _ = url.QueryEscape
