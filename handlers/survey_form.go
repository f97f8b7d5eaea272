package handlers

import (
	"net/url"
	"regexp"

	"github.com/tableside/tableside/store"
	"github.com/tableside/tableside/views"
)

var (
	// keyRE is the shape of an idempotency key; NewToken makes 22 characters.
	keyRE = regexp.MustCompile(`^[A-Za-z0-9_-]{16,64}$`)
	// checkRE is the shape of a check (bill) number printed on a receipt QR.
	checkRE = regexp.MustCompile(`^[A-Za-z0-9-]{1,20}$`)
)

// surveyInputFromForm reads the survey's fields as typed. A missing or malformed
// idempotency key (a form from an old page, a hand-made POST) gets a fresh one,
// which stores the response but cannot recognise a replay.
func surveyInputFromForm(f url.Values) views.SurveyInput {
	in := views.SurveyInput{
		Key:     f.Get("key"),
		Check:   f.Get("check"),
		Rating:  f.Get("rating"),
		Tags:    f["tag"],
		Comment: f.Get("comment"),
		AtTable: f.Get("at_table") != "",
		Name:    f.Get("name"),
		Contact: f.Get("contact"),
		Consent: f.Get("consent") != "",
	}
	if !keyRE.MatchString(in.Key) {
		in.Key = store.NewToken()
	}
	if !checkRE.MatchString(in.Check) {
		in.Check = ""
	}
	return in
}

// surveyProblems are what is wrong with a survey's answers, by field, as
// the store's rules (store.NewResponse.Check) say.
type surveyProblems []store.Problem

// in prints the problems' messages in t's language, one per field.
func (ps surveyProblems) in(t views.T) views.FieldErrors {
	if len(ps) == 0 {
		return nil
	}
	errs := views.FieldErrors{}
	for _, p := range ps {
		if _, ok := errs[p.Field]; !ok {
			errs[p.Field] = t.S(p.Key, p.Args...)
		}
	}
	return errs
}

// first is the first field with a problem: where the form puts the diner.
func (ps surveyProblems) first() string {
	for _, p := range ps {
		if p.Field != "form" {
			return p.Field
		}
	}
	return ""
}

// formProblem is a problem with the whole form, in the diners' words.
func formProblem(key string) surveyProblems { return surveyProblems{{Field: "form", Key: key}} }

// surveyResponse reads the answers of a survey form into what the store
// checks and keeps: a rating that is not one of 1 to 5 (nor none) is left
// for the store to refuse.
func surveyResponse(in views.SurveyInput, tableToken string) store.NewResponse {
	rating := -1
	if in.Rating == "" {
		rating = 0
	} else if len(in.Rating) == 1 && in.Rating >= "1" && in.Rating <= "5" {
		rating = int(in.Rating[0] - '0')
	}
	return store.NewResponse{TableToken: tableToken, IdempotencyKey: in.Key, CheckNumber: in.Check, Rating: rating,
		Tags: in.Tags, Comment: in.Comment, AtTable: in.AtTable, GuestName: in.Name, Contact: in.Contact, ContactConsent: in.Consent}
}
