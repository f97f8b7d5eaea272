package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// received is one request at a webhook receiver.
type received struct {
	header http.Header
	body   []byte
}

// verifyStandardWebhook checks a delivery as the Standard Webhooks
// specification tells a receiver to: the signed content is
// "msg_id.timestamp.body", signed with HMAC-SHA256 under the base64 secret
// after "whsec_"; webhook-signature holds space-separated "v1,<base64>"; the
// timestamp is within five minutes.
func verifyStandardWebhook(secret string, r received) error {
	id, ts, sigs := r.header.Get("webhook-id"), r.header.Get("webhook-timestamp"), r.header.Get("webhook-signature")
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || !strings.HasPrefix(secret, "whsec_") {
		return fmt.Errorf("the secret %q is not whsec_ and base64", secret)
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || time.Since(time.Unix(sec, 0)).Abs() > 5*time.Minute {
		return fmt.Errorf("webhook-timestamp %q is not a recent Unix time", ts)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "." + string(r.body)))
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		version, sig, _ := strings.Cut(s, ",")
		got, err := base64.StdEncoding.DecodeString(sig)
		if version == "v1" && err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return fmt.Errorf("no webhook-signature in %q matches", sigs)
}

// TestWebhookCommands adds a webhook with `tableside webhook add` to a
// running server, refuses what may not be sent to, sees a guest's complaint
// arrive signed with the printed secret, lists the delivery and removes the
// webhook.
func TestWebhookCommands(t *testing.T) {
	got := make(chan received, 16)
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		got <- received{r.Header.Clone(), body}
	}))
	defer receiver.Close()
	db := filepath.Join(t.TempDir(), "tableside.db")
	m := startMain(t, db, "-demo", "-allow-private-hooks")
	defer m.Close()
	cli := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(context.Background(), append([]string{"webhook", args[0], "-db", db}, args[1:]...), &out, io.Discard)
		return out.String(), err
	}

	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"add", "-restaurant", "demo", "-url", receiver.URL}, "-allow-private-hooks"},
		{[]string{"add", "-restaurant", "demo", "-url", "http://10.1.2.3/hook"}, "-allow-private-hooks"},
		{[]string{"add", "-restaurant", "demo", "-url", "ftp://hooks.example.com/in"}, "not an http or https URL"},
		{[]string{"add", "-restaurant", "demo", "-url", receiver.URL, "-format", "xml", "-allow-private-hooks"}, "json or slack"},
		{[]string{"add", "-restaurant", "nowhere", "-url", receiver.URL, "-allow-private-hooks"}, "nowhere"},
		{[]string{"add", "-restaurant", "demo"}, "-url are required"},
		{[]string{"frobnicate"}, "usage"},
	} {
		if _, err := cli(c.args...); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("webhook %v: %v; want an error saying %q", c.args, err, c.says)
		}
	}
	if out, _ := cli("list"); out != "" {
		t.Fatalf("refused webhooks were added:\n%s", out)
	}

	secret, err := cli("add", "-restaurant", "demo", "-url", receiver.URL+"/tableside", "-allow-private-hooks")
	secret = strings.TrimSpace(secret)
	if err != nil || !strings.HasPrefix(secret, "whsec_") || strings.Contains(secret, "\n") {
		t.Fatalf("add printed %q (%v); want the secret alone", secret, err)
	}

	var out bytes.Buffer
	if err := run(context.Background(), []string{"tables", "-db", db, "-base-url", m.URL()}, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	surveyURL := strings.Split(strings.SplitN(out.String(), "\n", 2)[0], "\t")[2]
	submitSurvey(t, surveyURL, url.Values{"rating": {"2"}, "tag": {"slow"}, "comment": {"Forty minutes for mains."},
		"at_table": {"1"}, "name": {"Ana"}, "contact": {"ana@example.com"}, "consent": {"1"}})
	var r received
	select {
	case r = <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery within 10 s of the complaint")
	}
	if err := verifyStandardWebhook(secret, r); err != nil {
		t.Fatalf("the delivery does not verify: %v\n%v", err, r.header)
	}
	var event struct {
		Type      string
		Timestamp string
		Data      map[string]any
	}
	if err := json.Unmarshal(r.body, &event); err != nil || event.Type != "alert.raised" || event.Data["table"] != "Table 1" ||
		event.Data["comment"] != "Forty minutes for mains." || event.Data["contact"] != "ana@example.com" {
		t.Fatalf("payload %s (%v); want the alert with the contact Ana consented to give", r.body, err)
	}

	// The list says how it went, once the sender has recorded it.
	deadline := time.Now().Add(5 * time.Second)
	var line string
	for time.Now().Before(deadline) {
		line, _ = cli("list", "-restaurant", "demo")
		if strings.Contains(line, "\tsent 200 at ") {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	fields := strings.Split(strings.TrimSpace(line), "\t")
	if len(fields) != 5 || fields[1] != "demo" || fields[2] != "json" || fields[3] != receiver.URL+"/tableside" || !strings.HasPrefix(fields[4], "sent 200 at ") {
		t.Fatalf("list: %q", line)
	}
	if strings.Contains(line, secret) {
		t.Fatal("list shows the secret")
	}
	if _, err := cli("remove", "-id", fields[0], "-restaurant", "nowhere"); err == nil {
		t.Fatal("remove with an unknown restaurant did not fail")
	}
	if out, err := cli("remove", "-id", fields[0]); err != nil || out != "removed webhook "+fields[0]+"\n" {
		t.Fatalf("remove: %q %v", out, err)
	}
	if _, err := cli("remove", "-id", fields[0]); err == nil || !strings.Contains(err.Error(), "no webhook") {
		t.Fatalf("removing twice: %v", err)
	}
	if out, _ := cli("list"); out != "" {
		t.Fatalf("still listed:\n%s", out)
	}
}
