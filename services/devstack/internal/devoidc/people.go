package devoidc

import (
	"crypto/subtle"
	"slices"
)

// DemoPassword is every demo person's password. The provider is for development only.
const DemoPassword = "demo"

// The Expert Oversight Groups that own the shipped pathway definitions
// (workflows/pathway/definitions: msk.v1.yaml and copd.v1.yaml).
const (
	MSKEOG         = "MSK Clinical Expert Oversight Group"
	RespiratoryEOG = "Respiratory Clinical Expert Oversight Group"
)

// The organisations of the demo (synthetic ODS codes): the two PCNs of the demo population and
// the lead provider named in the pathway definitions.
const (
	PCN1         = "U90001"
	PCN2         = "U90002"
	LeadProvider = "RZX"
)

// Person is a demo person: who signs in (Username, with DemoPassword), the stable subject their
// tokens carry, the name shown, and the claims of their tokens. A value; safe to share.
type Person struct {
	Username string   // sign-in name; also the client ID of the client-credentials command
	Subject  string   // the token's sub: "demo-" + Username
	Name     string   // display name (the name claim)
	Roles    []string // lower-case roles (the roles claim)
	EOGs     []string // Expert Oversight Groups (the eogs claim)
	ODS      []string // ODS codes of the organisations they work for (the ods claim)
}

func person(username, name string, roles, eogs, ods []string) Person {
	return Person{Username: username, Subject: "demo-" + username, Name: name, Roles: roles, EOGs: eogs, ODS: ods}
}

func demoPeople() []Person {
	one := func(s ...string) []string { return s }
	rzx := one(LeadProvider)
	return []Person{
		person("coord-u90001", "Priya Shah", one("coordinator"), nil, one(PCN1)),
		person("coord-u90002", "Daniel Okafor", one("coordinator"), nil, one(PCN2)),
		person("author", "Grace Adeyemi", one("author"), one(MSKEOG, RespiratoryEOG), rzx),
		person("msk-reviewer-1", "Sam Patel", one("reviewer"), one(MSKEOG), rzx),
		person("msk-reviewer-2", "Helen Brooks", one("reviewer"), one(MSKEOG), rzx),
		person("copd-reviewer-1", "Owen Davies", one("reviewer"), one(RespiratoryEOG), rzx),
		person("copd-reviewer-2", "Fatima Noor", one("reviewer"), one(RespiratoryEOG), rzx),
		// Both author and reviewer in one group: shows that an author cannot review their own version.
		person("msk-author-reviewer", "Chris Morgan", one("author", "reviewer"), one(MSKEOG), rzx),
		person("publisher", "Rachel Green", one("publisher"), nil, rzx),
		person("finance-admin", "Mark Ellis", one("finance-admin"), nil, rzx),
		person("finance-reader", "Joy Mensah", one("finance-reader"), nil, rzx),
		person("board", "Margaret Hale", one("board"), nil, rzx),
		person("auditor", "Ian Fraser", one("auditor"), nil, rzx),
		person("ig-officer", "Nadia Rahman", one("information-governance"), nil, rzx),
	}
}

// directory finds demo people. It is never changed after New; safe for concurrent use.
type directory struct{ people []Person }

func (d directory) byUsername(username string) (Person, bool) {
	i := slices.IndexFunc(d.people, func(p Person) bool { return p.Username == username })
	if i < 0 {
		return Person{}, false
	}
	return d.people[i], true
}

func (d directory) bySubject(subject string) (Person, bool) {
	i := slices.IndexFunc(d.people, func(p Person) bool { return p.Subject == subject })
	if i < 0 {
		return Person{}, false
	}
	return d.people[i], true
}

// authenticate returns the person whose username and password these are.
func (d directory) authenticate(username, password string) (Person, bool) {
	p, known := d.byUsername(username)
	right := subtle.ConstantTimeCompare([]byte(password), []byte(DemoPassword)) == 1
	return p, known && right
}

// claims are the private claims of the person's tokens.
func (p Person) claims() map[string]any {
	return map[string]any{
		"name":               p.Name,
		"preferred_username": p.Username,
		"roles":              nonNil(p.Roles),
		"eogs":               nonNil(p.EOGs),
		"ods":                nonNil(p.ODS),
	}
}

// nonNil makes an empty list a JSON [] rather than null, so every token has every claim.
func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return slices.Clone(s)
}

func (p Person) clone() Person {
	p.Roles, p.EOGs, p.ODS = slices.Clone(p.Roles), slices.Clone(p.EOGs), slices.Clone(p.ODS)
	return p
}
