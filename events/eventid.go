package events

import (
	"strconv"
	"strings"

	"github.com/google/uuid"
)

// Namespace is the UUIDv5 namespace of every EventID: the v5 UUID of the URL
// "https://github.com/nhs-pathways/pathways/events" under the RFC 4122 URL namespace. It must never
// change, or retries after a deploy would mint new ids and duplicate events.
var Namespace = uuid.MustParse("bdf025c3-7cba-55d8-a9d2-f3a3c47ea015")

// EventID returns a deterministic event id (UUIDv5 under Namespace) for the given parts, for
// example EventID("journey", journeyID, "triaged", attempt). Appending an event under the same id
// twice at the same place in a stream stores it once, so an activity that derives its event id
// from its inputs can retry safely.
//
// Parts are joined unambiguously: each part is written as its byte length, ':', then the part, so
// EventID("a-b", "c") and EventID("a", "b-c") differ, as do EventID("ab") and EventID("a", "b").
func EventID(parts ...string) uuid.UUID {
	var b strings.Builder
	for _, p := range parts {
		b.WriteString(strconv.Itoa(len(p)))
		b.WriteByte(':')
		b.WriteString(p)
	}
	return uuid.NewSHA1(Namespace, []byte(b.String()))
}
