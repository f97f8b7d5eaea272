package store

// TagKind says on which side of the survey a tag is offered.
type TagKind int

// The two kinds of tag.
const (
	Praise TagKind = iota
	Complaint
)

// Tag is one chip a diner can tick on the survey.
type Tag struct {
	Key   string // the value posted in the form and stored
	Label string // what the diner reads
	Kind  TagKind
	// Urgent tags raise an alert whatever the rating (the floor issue uses it).
	Urgent bool
}

// tags is the known list, in the order the survey shows them.
var tags = []Tag{
	{Key: "food", Label: "Food", Kind: Praise},
	{Key: "service", Label: "Friendly service", Kind: Praise},
	{Key: "speed", Label: "Quick", Kind: Praise},
	{Key: "atmosphere", Label: "Atmosphere", Kind: Praise},
	{Key: "value", Label: "Good value", Kind: Praise},
	{Key: "cleanliness", Label: "Clean", Kind: Praise},

	{Key: "slow", Label: "Slow service", Kind: Complaint},
	{Key: "cold-food", Label: "Food not hot", Kind: Complaint},
	{Key: "wrong-order", Label: "Wrong order", Kind: Complaint},
	{Key: "taste", Label: "Didn't taste right", Kind: Complaint},
	{Key: "rude", Label: "Unfriendly staff", Kind: Complaint},
	{Key: "dirty", Label: "Not clean", Kind: Complaint},
	{Key: "noise", Label: "Too noisy", Kind: Complaint},
	{Key: "price", Label: "Overpriced", Kind: Complaint},
	{Key: "foreign-object", Label: "Something in my food", Kind: Complaint, Urgent: true},
	{Key: "allergy", Label: "Allergy concern", Kind: Complaint, Urgent: true},
}

var tagByKey = func() map[string]Tag {
	m := make(map[string]Tag, len(tags))
	for _, t := range tags {
		m[t.Key] = t
	}
	return m
}()

// Tags returns the known tags of one kind, in display order.
func Tags(kind TagKind) []Tag {
	var out []Tag
	for _, t := range tags {
		if t.Kind == kind {
			out = append(out, t)
		}
	}
	return out
}

// LookupTag returns the tag with the given key, and whether it is known.
func LookupTag(key string) (Tag, bool) {
	t, ok := tagByKey[key]
	return t, ok
}
