package store

import (
	"sync"
	"time"
)

// zones keeps each time zone a restaurant uses, loaded once: loading one from
// the zone database costs tens of microseconds, and every page of a
// restaurant needs it. Zones are looked up by name, so a restaurant whose
// zone changes simply asks for another.
type zones struct {
	mu   sync.Mutex
	locs map[string]*time.Location
}

// load returns the zone called name. A name that is not an IANA time zone
// ("Mars/Olympus", or "Local", which would be the server's own) is an error,
// never UTC in silence.
func (z *zones) load(name string) (*time.Location, error) {
	z.mu.Lock()
	defer z.mu.Unlock()
	if loc, ok := z.locs[name]; ok {
		return loc, nil
	}
	if name == "" || name == "Local" {
		return nil, Errorf(EInvalid, "Unknown time zone %q: use a name such as Europe/London.", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, Errorf(EInvalid, "Unknown time zone %q: use a name such as Europe/London.", name)
	}
	if z.locs == nil {
		z.locs = map[string]*time.Location{}
	}
	z.locs[name] = loc
	return loc, nil
}
