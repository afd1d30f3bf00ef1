package domain

import "strconv"

func itoa(i int) string { return strconv.Itoa(i) }

// ValidJourneyID reports whether id has the shape of a journey id.
func ValidJourneyID(id string) bool { return idPattern.MatchString(id) }

// ValidRequestID reports whether id has the shape of a request id.
func ValidRequestID(id string) bool { return idPattern.MatchString(id) }
