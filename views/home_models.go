package views

// Home is the landing page's model.
type Home struct {
	Demo           bool   // the demo is running: show its logins
	DemoSurveyURL  string // a table's survey, shown only when the demo is running
	DemoSurveyName string
}
