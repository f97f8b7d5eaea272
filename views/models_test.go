package views

import (
	"strings"
	"testing"

	"github.com/tableside/tableside/store"
)

// TestReceiptAlertText: the receipt says what is true at every step, and never
// that a guest who had left was taken care of.
func TestReceiptAlertText(t *testing.T) {
	tests := []struct {
		name string
		a    ReceiptAlert
		want string
		not  string
	}{
		{"asked for someone", ReceiptAlert{State: store.StateOpen, AtTable: true, Asked: true}, "asked someone to come to your table", "manager has been told"},
		{"complaint at the table", ReceiptAlert{State: store.StateOpen, AtTable: true}, "A manager has been told. Someone will be with you shortly.", ""},
		{"complaint, gone", ReceiptAlert{State: store.StateOpen}, "the manager will read this", "Someone will be with you"},
		{"escalated", ReceiptAlert{State: store.StateOpen, AtTable: true, Escalated: true}, "still finding someone", "shortly"},
		{"on the way", ReceiptAlert{State: store.StateAcknowledged, AtTable: true, Staff: "Sam"}, "Sam is on the way.", ""},
		{"read, not at the table", ReceiptAlert{State: store.StateAcknowledged, Staff: "Sam"}, "Sam has read what you told us", "on the way"},
		{"taken care of", ReceiptAlert{State: store.StateResolved, AtTable: true, Staff: "Sam", Outcome: store.OutcomeCompedBill}, "Sam has taken care of it.", ""},
		{"guest had left", ReceiptAlert{State: store.StateResolved, AtTable: true, Staff: "Sam", Outcome: store.OutcomeGuestLeft}, "sorry we missed you", "taken care of"},
		{"follow-up", ReceiptAlert{State: store.StateResolved, Staff: "Sam", Outcome: store.OutcomeFollowUp}, "Sam will be in touch", "taken care of"},
		{"no name", ReceiptAlert{State: store.StateAcknowledged, AtTable: true}, "Someone from the team is on the way.", ""},
	}
	for _, tt := range tests {
		got := tt.a.Text()
		if !strings.Contains(got, tt.want) || (tt.not != "" && strings.Contains(got, tt.not)) {
			t.Errorf("%s: %q, want %q and not %q", tt.name, got, tt.want, tt.not)
		}
	}
}

// TestEscalationLabelSaysWhoWasTold: a tablet says how far an alert nobody
// has taken has gone, step by step.
func TestEscalationLabelSaysWhoWasTold(t *testing.T) {
	for step, want := range map[int]string{1: "every manager told again", 2: "the owners told", 3: "everyone told, 3 reminders", 5: "everyone told, 5 reminders"} {
		if got := escalationLabel(step); !strings.Contains(got, want) {
			t.Errorf("step %d: %q, want %q", step, got, want)
		}
	}
}
