package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tableside/tableside/store"
)

// open opens a fresh database in a temp file; it is closed when the test ends.
func open(t testing.TB, file string) *store.DB {
	t.Helper()
	if file == "" {
		file = testDSN(t, "tableside.db")
	}
	db, err := store.Open(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// fixture makes a restaurant with one table.
func fixture(t testing.TB, db *store.DB) (store.Restaurant, store.Table) {
	t.Helper()
	ctx := context.Background()
	r, err := db.CreateRestaurant(ctx, store.Restaurant{Slug: "harbour", Name: "Harbour Kitchen", TimeZone: "Europe/Lisbon"})
	if err != nil {
		t.Fatal(err)
	}
	tb, err := db.CreateTable(ctx, r.ID, "Table 4")
	if err != nil {
		t.Fatal(err)
	}
	return r, tb
}

func TestMigrationsAppliedOnce(t *testing.T) {
	file := testDSN(t, "m.db")
	want := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}
	for range 2 {
		db, err := store.Open(context.Background(), file)
		if err != nil {
			t.Fatal(err)
		}
		vs, err := db.Migrations(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(vs, want) {
			t.Fatalf("migrations = %v, want %v", vs, want)
		}
		db.Close()
	}
}

func TestResponseRoundTripAndRestart(t *testing.T) {
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "rt.db")
	db := open(t, file)
	r, tb := fixture(t, db)
	in := store.NewResponse{
		TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 2,
		Tags: []string{"slow", "cold-food"}, Comment: "Soup was cold — sorry to say", AtTable: true,
		GuestName: "Ana", Contact: "ana@example.com", ContactConsent: true, CheckNumber: "4411", Language: "pt",
	}
	id, created, err := db.CreateResponse(ctx, in)
	if err != nil || created != store.Created || len(id) < 22 {
		t.Fatalf("CreateResponse = %q, %v, %v", id, created, err)
	}
	db.Close()

	db = open(t, file) // data survives a restart
	got, err := db.ResponseByPublicID(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(got.Tags)
	want := store.Response{ID: got.ID, PublicID: id, RestaurantID: r.ID, RestaurantName: "Harbour Kitchen", TableID: tb.ID, TableLabel: "Table 4",
		Rating: 2, Tags: []string{"cold-food", "slow"}, Comment: in.Comment, AtTable: true, GuestName: "Ana",
		Contact: "ana@example.com", ContactConsent: true, CheckNumber: "4411", Language: "pt", CreatedAt: got.CreatedAt}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	if time.Since(got.CreatedAt) > time.Minute {
		t.Fatalf("CreatedAt = %v, not now", got.CreatedAt)
	}
}

// TestContactNeverKeptWithoutConsent: a contact without consent is refused
// by the field (the survey's rule, NewResponse.Check), and nothing is stored.
func TestContactNeverKeptWithoutConsent(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	r, tb := fixture(t, db)
	_, _, err := db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: "k1", Rating: 5, Contact: "x@example.com"})
	if ps := store.Problems(err); len(ps) != 1 || ps[0].Field != "consent" || ps[0].Key != "invalid.consent" {
		t.Fatalf("a contact without consent: %v", err)
	}
	if n, _ := db.CountResponses(ctx, r.ID); n != 0 {
		t.Fatalf("%d responses stored", n)
	}
}

func TestConcurrentReplaysStoreOneRow(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	r, tb := fixture(t, db)
	in := store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 1, Tags: []string{"rude"}}
	const n = 20
	ids := make([]string, n)
	createdCount := 0
	var mu sync.Mutex
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			id, created, err := db.CreateResponse(ctx, in)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			defer mu.Unlock()
			ids[i] = id
			if created == store.Created {
				createdCount++
			}
		})
	}
	wg.Wait()
	for _, id := range ids {
		if id != ids[0] || id == "" {
			t.Fatalf("replays returned different receipts: %v", ids)
		}
	}
	count, err := db.CountResponses(ctx, r.ID)
	if err != nil || count != 1 || createdCount != 1 {
		t.Fatalf("rows = %d (err %v), created = %d; want exactly 1 of each", count, err, createdCount)
	}
}

func TestCreateResponseRejects(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	_, tb := fixture(t, db)
	for name, in := range map[string]store.NewResponse{
		"rating 0":      {TableToken: tb.Token, IdempotencyKey: "a", Rating: 0},
		"rating 6":      {TableToken: tb.Token, IdempotencyKey: "b", Rating: 6},
		"unknown tag":   {TableToken: tb.Token, IdempotencyKey: "c", Rating: 3, Tags: []string{"nope"}},
		"no key":        {TableToken: tb.Token, Rating: 3},
		"unknown table": {TableToken: "no-such-token", IdempotencyKey: "d", Rating: 3},
	} {
		_, _, err := db.CreateResponse(ctx, in)
		if err == nil {
			t.Errorf("%s: stored, want an error", name)
		}
	}
}

func TestRotateAndRetireTable(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	r, tb := fixture(t, db)
	if _, err := db.SurveyTargetByToken(ctx, tb.Token); err != nil {
		t.Fatal(err)
	}
	rotated, err := db.RotateTableToken(ctx, r.ID, tb.ID)
	if err != nil || rotated.Token == tb.Token || len(rotated.Token) != 22 {
		t.Fatalf("rotate = %+v, %v", rotated, err)
	}
	if _, err := db.SurveyTargetByToken(ctx, tb.Token); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("old token: err = %v, want ErrNotFound", err)
	}
	got, err := db.SurveyTargetByToken(ctx, rotated.Token)
	if err != nil || got.Restaurant.Name != "Harbour Kitchen" || got.Table.Label != "Table 4" {
		t.Fatalf("new token: %+v, %v", got, err)
	}
	// Another restaurant cannot touch this table.
	other, _ := db.CreateRestaurant(ctx, store.Restaurant{Slug: "other", Name: "Other"})
	if _, err := db.RotateTableToken(ctx, other.ID, tb.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("cross-restaurant rotate: err = %v", err)
	}
	if _, err := db.RetireTable(ctx, r.ID, tb.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SurveyTargetByToken(ctx, rotated.Token); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("retired table: err = %v", err)
	}
	// The label is free again once the table is retired.
	if _, err := db.CreateTable(ctx, r.ID, "Table 4"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateTable(ctx, r.ID, "Table 4"); store.ErrorCode(err) != store.EConflict {
		t.Fatalf("duplicate label: err = %v, want conflict", err)
	}
}

func TestSeedDemoIsDeterministic(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 20, 30, 0, 0, time.UTC)
	fingerprint := func() [4]int {
		db := open(t, "")
		seeded, err := db.SeedDemo(ctx, now)
		if err != nil || !seeded {
			t.Fatalf("SeedDemo = %v, %v", seeded, err)
		}
		again, err := db.SeedDemo(ctx, now)
		if err != nil || again {
			t.Fatalf("second SeedDemo = %v, %v; want a no-op", again, err)
		}
		r, err := db.RestaurantBySlug(ctx, store.DemoSlug)
		if err != nil {
			t.Fatal(err)
		}
		tables, err := db.ActiveTables(ctx, r.ID)
		if err != nil || len(tables) != 12 {
			t.Fatalf("tables = %d, %v", len(tables), err)
		}
		fp, err := db.DemoFingerprint(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		return fp
	}
	a, b := fingerprint(), fingerprint()
	if a != b {
		t.Fatalf("two seeds differ: %v vs %v", a, b)
	}
	responses, low, atTable := a[0], a[1], a[2]
	if responses < 800 || responses > 2500 || low*100/responses < 5 || low*100/responses > 30 || atTable == 0 {
		t.Fatalf("implausible history: %d responses, %d rated 1-2, %d at the table", responses, low, atTable)
	}
}

// TestBackupWhileWriting copies the database while responses keep arriving:
// the copy opens, passes the integrity check, and holds every response
// committed before the backup began.
func TestBackupWhileWriting(t *testing.T) {
	sqliteOnly(t, "backups are pg_dump's (README)")
	ctx := context.Background()
	db := open(t, "")
	_, tb := fixture(t, db)
	for range 50 {
		respond(t, db, tb, 4, false, "before")
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
				db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 5})
			}
		}
	})
	out := filepath.Join(t.TempDir(), "backup.db")
	err := db.Backup(ctx, out)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, out); err == nil {
		t.Error("a backup overwrote an existing file")
	}
	restored := open(t, out)
	if err := restored.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	r, err := restored.RestaurantBySlug(ctx, "harbour")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := restored.CountResponses(ctx, r.ID); n < 50 {
		t.Errorf("the backup holds %d responses, want at least 50", n)
	}
}

// TestLoginThrottle: past five wrong passwords for an account at one
// address, that address waits 2 s, then 4 s, doubling, even with the right
// password, for a known and an unknown account alike; another address is not
// held up at all; waiting is enough; a hundred failures from anywhere make
// the account wait a little (at most a minute), never lock it.
func TestLoginThrottle(t *testing.T) {
	ctx := context.Background()
	db, now := clockDB(t)
	*now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	if _, err := db.CreateUser(ctx, "sam@example.com", "Sam", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	const a, b = "198.51.100.7", "203.0.113.9"
	for _, email := range []string{"Sam@Example.com", "nobody@example.com"} {
		for i := range store.FreeFailures {
			if _, err := db.CheckPassword(ctx, email, "guess", a); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("%s, guess %d: %v", email, i+1, err)
			}
		}
		// The sixth failure sets a 2 s wait at a.
		if _, err := db.CheckPassword(ctx, email, "guess", a); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("%s, guess 6: %v", email, err)
		}
		_, err := db.CheckPassword(ctx, email, "correct horse battery", a)
		var se *store.Error
		if !errors.As(err, &se) || se.Code != store.ELocked || se.RetryAfter <= 0 || se.RetryAfter > 2*time.Second ||
			!strings.Contains(se.Message, "wait 2 seconds") {
			t.Fatalf("%s at once after 6 wrong passwords: %v", email, err)
		}
	}
	if _, err := db.CheckPassword(ctx, "sam@example.com", "correct horse battery", b); err != nil {
		t.Fatalf("another address was held up: %v", err)
	}
	*now = now.Add(2 * time.Second)
	if _, err := db.CheckPassword(ctx, "sam@example.com", "correct horse battery", a); err != nil {
		t.Fatalf("after the wait: %v", err)
	}
	// The waits double.
	for range store.FreeFailures + 4 {
		*now = now.Add(time.Hour)
		db.CheckPassword(ctx, "sam@example.com", "guess", a)
	}
	_, err := db.CheckPassword(ctx, "sam@example.com", "correct horse battery", a)
	if se := (*store.Error)(nil); !errors.As(err, &se) || se.RetryAfter != 16*time.Second {
		t.Fatalf("after 9 failures the wait is %v, want 16s", err)
	}
	// A hundred failures from a hundred addresses: the account waits, briefly.
	*now = now.Add(25 * time.Hour)
	for i := range store.AccountCeiling + 3 {
		db.CheckPassword(ctx, "sam@example.com", "guess", fmt.Sprintf("10.0.%d.%d", i/250, i%250))
	}
	_, err = db.CheckPassword(ctx, "sam@example.com", "correct horse battery", b)
	if se := (*store.Error)(nil); !errors.As(err, &se) || se.RetryAfter <= 0 || se.RetryAfter > store.MaxAccountDelay {
		t.Fatalf("after %d failures from anywhere: %v", store.AccountCeiling+3, err)
	}
	*now = now.Add(store.MaxAccountDelay)
	if _, err := db.CheckPassword(ctx, "sam@example.com", "correct horse battery", b); err != nil {
		t.Fatalf("after the account's wait: %v", err)
	}
}

// TestLoginThrottleSparesKnownBrowsers: a stranger failing from a hundred
// and ten addresses slows unknown browsers, never a browser the owner
// signed in with before (a device token), which is judged on its own
// failures alone; a token is good only for its account.
func TestLoginThrottleSparesKnownBrowsers(t *testing.T) {
	ctx := context.Background()
	db, now := clockDB(t)
	*now = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	if _, err := db.CreateUser(ctx, "olu@example.com", "Olu", "correct horse battery"); err != nil {
		t.Fatal(err)
	}
	laptop, tablet := db.DeviceToken("Olu@Example.com"), db.DeviceToken("olu@example.com")
	other := db.DeviceToken("someone@example.com")
	if db.KnownDevice("olu@example.com", []string{other, "x.y", ""}) != "" || db.KnownDevice("olu@example.com", []string{other, laptop}) != laptop {
		t.Fatal("a device token is recognised for the wrong account, or not for its own")
	}
	for i := range 110 {
		db.CheckPassword(ctx, "olu@example.com", "guess", fmt.Sprintf("10.1.%d.%d", i/250, i%250))
	}
	locked := func(err error) bool {
		se := (*store.Error)(nil)
		return errors.As(err, &se) && se.Code == store.ELocked
	}
	if _, err := db.CheckPassword(ctx, "olu@example.com", "correct horse battery", "198.51.100.7"); !locked(err) {
		t.Fatalf("an unknown browser after 110 failures from anywhere: %v", err)
	}
	if _, err := db.CheckPassword(ctx, "olu@example.com", "correct horse battery", "198.51.100.7", other); !locked(err) {
		t.Fatalf("another account's device token let an unknown browser through: %v", err)
	}
	if _, err := db.CheckPassword(ctx, "olu@example.com", "correct horse battery", "198.51.100.7", laptop); err != nil {
		t.Fatalf("the owner's own browser was held up: %v", err)
	}
	// A known browser's own failures slow it, and only it.
	for range store.FreeFailures + 1 {
		db.CheckPassword(ctx, "olu@example.com", "guess", "198.51.100.7", laptop)
	}
	if _, err := db.CheckPassword(ctx, "olu@example.com", "correct horse battery", "198.51.100.7", laptop); !locked(err) {
		t.Fatalf("a known browser after its own 6 failures: %v", err)
	}
	if _, err := db.CheckPassword(ctx, "olu@example.com", "correct horse battery", "198.51.100.7", tablet); err != nil {
		t.Fatalf("another known browser was held up by the first's failures: %v", err)
	}
}

// TestReadOnlyDatabase: a database that refuses writes gives an unavailable
// error that says so (not a crash, not a half-write), and writing resumes
// when it is writable again.
func TestReadOnlyDatabase(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	_, tb := fixture(t, db)
	if err := db.SetWriteQueryOnly(ctx, true); err != nil {
		t.Fatal(err)
	}
	_, _, err := db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 2})
	var se *store.Error
	if store.ErrorCode(err) != store.EUnavailable || !errors.As(err, &se) || !strings.Contains(se.Message, "cannot be") || !strings.Contains(se.Message, "written") {
		t.Fatalf("a write to a read-only database: %v", err)
	}
	if err := db.SetWriteQueryOnly(ctx, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 2}); err != nil {
		t.Fatalf("after the fault: %v", err)
	}
}

// TestReceiptIDsFollowFormTime: a form key made by NewFormKey puts its time in
// front of the receipt id, so ids sort in the order forms were made and the
// unique index grows at its end; any other key still works, and a resend
// gives the same id either way.
func TestReceiptIDsFollowFormTime(t *testing.T) {
	db := open(t, "")
	_, tb := fixture(t, db)
	var ids []string
	for range 3 {
		key := store.NewFormKey(time.Now())
		id, created, err := db.CreateResponse(context.Background(), store.NewResponse{TableToken: tb.Token, IdempotencyKey: key, Rating: 5})
		again, createdAgain, err2 := db.CreateResponse(context.Background(), store.NewResponse{TableToken: tb.Token, IdempotencyKey: key, Rating: 5})
		if err != nil || err2 != nil || created != store.Created || createdAgain != store.Replayed || again != id || id[:12] != key[:12] {
			t.Fatalf("key %s: receipt %s (%v, %v), again %s (%v, %v)", key, id, created, err, again, createdAgain, err2)
		}
		ids = append(ids, id)
		time.Sleep(2 * time.Millisecond)
	}
	if !slices.IsSorted(ids) {
		t.Fatalf("receipt ids out of order: %v", ids)
	}
	for _, key := range []string{store.NewToken(), "GHIJKLMNOPQRSTUVWXYZ-_", "0123456789xyZZZZZZZZ"} {
		id, _, err := db.CreateResponse(context.Background(), store.NewResponse{TableToken: tb.Token, IdempotencyKey: key, Rating: 4})
		if err != nil || len(id) != 22 {
			t.Fatalf("key %q: receipt %q, %v", key, id, err)
		}
	}
}

// TestTimeZones: a zone is checked where it is set ("Local", the server's
// own, is not a restaurant's zone), loaded once, and a stored zone this build
// does not know is an error on reading, never UTC in silence.
func TestTimeZones(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	for _, zone := range []string{"Mars/Olympus", "Local", "Europe/Londres", "../../etc/passwd"} {
		if _, err := db.CreateRestaurant(ctx, store.Restaurant{Slug: "bad", Name: "Bad", TimeZone: zone}); store.ErrorCode(err) != store.EInvalid {
			t.Errorf("zone %q: %v, want refused", zone, err)
		}
	}
	r, err := db.CreateRestaurant(ctx, store.Restaurant{Slug: "tokyo", Name: "Tokyo", TimeZone: "Asia/Tokyo", Currency: "JPY"})
	if err != nil || r.Location().String() != "Asia/Tokyo" {
		t.Fatalf("%v %v", r, err)
	}
	again, err := db.RestaurantBySlug(ctx, "tokyo")
	if err != nil || again.Location() != r.Location() {
		t.Fatalf("the zone was loaded again: %p %p (%v)", again.Location(), r.Location(), err)
	}
	if err := db.SetTimeZoneRaw(ctx, r.ID, "Mars/Olympus"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.RestaurantBySlug(ctx, "tokyo"); err == nil || !strings.Contains(err.Error(), "Mars/Olympus") {
		t.Fatalf("a stored unknown zone read as %v", err)
	}
}

// TestAddingNeverDemotes: adding an owner as a manager (an invitation, a
// command run by mistake) leaves them an owner; adding a manager as an owner
// promotes them.
func TestAddingNeverDemotes(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	r, _ := fixture(t, db)
	olu, _ := db.CreateUser(ctx, "olu@example.com", "Olu", "correct horse battery")
	if role, err := db.AddMembership(ctx, olu.ID, r.ID, store.RoleOwner); err != nil || role != store.RoleOwner {
		t.Fatal(role, err)
	}
	if role, err := db.AddMembership(ctx, olu.ID, r.ID, store.RoleManager); err != nil || role != store.RoleOwner {
		t.Fatalf("an owner added as a manager is now %q (%v)", role, err)
	}
	sam, _ := db.CreateUser(ctx, "sam@example.com", "Sam", "correct horse battery")
	db.AddMembership(ctx, sam.ID, r.ID, store.RoleManager)
	if role, _ := db.AddMembership(ctx, sam.ID, r.ID, store.RoleOwner); role != store.RoleOwner {
		t.Fatalf("a manager made owner is %q", role)
	}
	staff, _ := db.Staff(ctx, r.ID)
	for _, s := range staff {
		if s.Role != store.RoleOwner {
			t.Errorf("%s is %s", s.User.Name, s.Role)
		}
	}
}

// TestSeedDemoIsOneTransaction: a seed that fails halfway (here the database
// reaches its size cap) leaves nothing, so the next start seeds the demo
// whole instead of finding half a restaurant and refusing.
func TestSeedDemoIsOneTransaction(t *testing.T) {
	sqliteOnly(t, "there is no size cap to reach halfway (the server's own limits apply)")
	ctx := context.Background()
	db := open(t, "")
	if err := db.SetSizeLimit(ctx, 250<<10); err != nil {
		t.Fatal(err)
	}
	if seeded, err := db.SeedDemo(ctx, time.Now()); err == nil || seeded {
		t.Fatalf("a seed past the size cap: seeded %v, %v", seeded, err)
	}
	if rs, err := db.Restaurants(ctx); err != nil || len(rs) != 0 {
		t.Fatalf("a failed seed left %d restaurants (%v)", len(rs), err)
	}
	if _, err := db.UserByEmail(ctx, store.DemoOwnerEmail); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a failed seed left the demo owner: %v", err)
	}
	if err := db.SetSizeLimit(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if seeded, err := db.SeedDemo(ctx, time.Now()); err != nil || !seeded {
		t.Fatalf("seeding again: %v, %v", seeded, err)
	}
	if r, err := db.RestaurantBySlug(ctx, store.DemoSlug); err != nil || len(mustTables(t, db, r.ID)) != 12 {
		t.Fatalf("the demo after a failed seed: %v", err)
	}
}

func mustTables(t *testing.T, db *store.DB, restaurantID int64) []store.Table {
	t.Helper()
	ts, err := db.ActiveTables(context.Background(), restaurantID)
	if err != nil {
		t.Fatal(err)
	}
	return ts
}

// TestResendAfterBack: a form sent again with changed answers (Back, an
// edit, Send) amends the response it made, which then faces the alert rules
// again; once that response has raised an alert it is left as it was, and
// the caller hears so; the same answers again are a plain replay.
func TestResendAfterBack(t *testing.T) {
	db := open(t, "")
	ctx := context.Background()
	r, tb := fixture(t, db)
	key := store.NewFormKey(time.Now())
	send := func(in store.NewResponse) (string, store.Outcome) {
		t.Helper()
		in.TableToken, in.IdempotencyKey = tb.Token, key
		id, outcome, err := db.CreateResponse(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return id, outcome
	}
	first, outcome := send(store.NewResponse{Rating: 4, Comment: "Lovely", Language: "fr"})
	if outcome != store.Created {
		t.Fatalf("first send: %v", outcome)
	}
	if alerts, _ := db.ActiveAlerts(ctx, r.ID); len(alerts) != 0 {
		t.Fatalf("a 4 raised %d alerts", len(alerts))
	}
	// Back, changed to a 2, still at the table: the same receipt, amended,
	// and now an alert.
	changed := store.NewResponse{Rating: 2, Tags: []string{"cold-food"}, Comment: "Actually the soup was cold", AtTable: true, Language: "fr"}
	id, outcome := send(changed)
	if id != first || outcome != store.Amended {
		t.Fatalf("changed resend: receipt %s (first %s), %v", id, first, outcome)
	}
	got, err := db.ResponseByPublicID(ctx, id)
	if err != nil || got.Rating != 2 || got.Comment != changed.Comment || !got.AtTable || !slices.Equal(got.Tags, changed.Tags) {
		t.Fatalf("after the edit the response is %+v (%v)", got, err)
	}
	alerts, _ := db.ActiveAlerts(ctx, r.ID)
	if len(alerts) != 1 || alerts[0].Comment != changed.Comment {
		t.Fatalf("after the edit, alerts %+v", alerts)
	}
	if n, _ := db.CountResponses(ctx, r.ID); n != 1 {
		t.Fatalf("%d responses", n)
	}
	// The same again: a replay. Changed once more, with its alert on the
	// floor: left as it was.
	if _, outcome := send(changed); outcome != store.Replayed {
		t.Fatalf("the same answers again: %v", outcome)
	}
	if _, outcome := send(store.NewResponse{Rating: 5, Comment: "never mind", Language: "fr"}); outcome != store.Unamended {
		t.Fatalf("an edit after the alert: %v", outcome)
	}
	if got, _ := db.ResponseByPublicID(ctx, id); got.Rating != 2 || got.Comment != changed.Comment {
		t.Fatalf("an edit after the alert changed the response: %+v", got)
	}
	if alerts, _ := db.ActiveAlerts(ctx, r.ID); len(alerts) != 1 {
		t.Fatalf("%d alerts after the last edit", len(alerts))
	}
}

// TestSizeCapCountsTheLog: with a 1 MB cap, surveys are taken until the
// database says it is full; the files on disk (the database, its
// write-ahead log and the log's index) then add up to no more than the cap.
// (Before, the log alone grew to 4 MB.)
func TestSizeCapCountsTheLog(t *testing.T) {
	sqliteOnly(t, "there is no file to cap (the server's own limits apply)")
	ctx := context.Background()
	file := filepath.Join(t.TempDir(), "capped.db")
	db := open(t, file)
	_, tb := fixture(t, db)
	const limit = 1 << 20
	if err := db.SetSizeLimit(ctx, limit); err != nil {
		t.Fatal(err)
	}
	var err error
	n := 0
	for ; n < 20000 && err == nil; n++ {
		_, _, err = db.CreateResponse(ctx, store.NewResponse{TableToken: tb.Token, IdempotencyKey: store.NewToken(), Rating: 4,
			Comment: strings.Repeat("Lovely evening, thank you. ", 18)})
	}
	if store.ErrorCode(err) != store.EUnavailable {
		t.Fatalf("after %d surveys: %v, want the database full", n, err)
	}
	var total int64
	for _, f := range []string{file, file + "-wal", file + "-shm"} {
		if fi, err := os.Stat(f); err == nil {
			total += fi.Size()
			t.Logf("%s: %d bytes", filepath.Base(f), fi.Size())
		}
	}
	if total > limit {
		t.Errorf("the files on disk add up to %d bytes, over the %d-byte cap", total, limit)
	}
	t.Logf("%d surveys before the cap; %d bytes on disk", n-1, total)
}

// TestACMECache: automatic HTTPS's cache keeps, replaces and forgets data
// by key, on both engines (instances on one PostgreSQL share it).
func TestACMECache(t *testing.T) {
	ctx := context.Background()
	db := open(t, "")
	if _, err := db.ACMEGet(ctx, "feedback.example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("an empty cache: %v", err)
	}
	for _, data := range [][]byte{[]byte("first\x00certificate"), []byte("renewed")} {
		if err := db.ACMEPut(ctx, "feedback.example.com", data); err != nil {
			t.Fatal(err)
		}
		if got, err := db.ACMEGet(ctx, "feedback.example.com"); err != nil || string(got) != string(data) {
			t.Fatalf("got %q (%v), want %q", got, err, data)
		}
	}
	if err := db.ACMEDelete(ctx, "feedback.example.com"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ACMEGet(ctx, "feedback.example.com"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
}
