package fault

import "fmt"

// Kind classifies a refusal that is not bad input. The zero Kind is not a refusal: an Error of
// it is treated as an internal failure.
type Kind int

// The kinds of refusal.
const (
	// NotFound: the thing asked for does not exist.
	NotFound Kind = iota + 1
	// AlreadyExists: the identifier is taken by something else.
	AlreadyExists
	// FailedPrecondition: the request is not allowed in the current state; asking again will
	// not help until the state changes.
	FailedPrecondition
	// Aborted: the state changed while the request was being decided (a lost race); read again
	// and retry.
	Aborted
	// PermissionDenied: the caller is known but may not do this.
	PermissionDenied
	// Unavailable: a dependency did not answer, or the service is stopping; retry later.
	Unavailable
	// Unimplemented: this deployment does not handle the request yet.
	Unimplemented
)

var kindNames = map[Kind]string{
	NotFound: "not found", AlreadyExists: "already exists", FailedPrecondition: "failed precondition",
	Aborted: "aborted", PermissionDenied: "permission denied", Unavailable: "unavailable",
	Unimplemented: "unimplemented",
}

func (k Kind) String() string {
	if n, ok := kindNames[k]; ok {
		return n
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// Info is the machine-readable side of a refusal (a gRPC ErrorInfo): a reason in
// UPPER_SNAKE_CASE, the domain it belongs to (e.g. "pathways.coordinator") and metadata such as
// the current stage.
type Info struct {
	Reason   string
	Domain   string
	Metadata map[string]string
}

// Error is a refusal of a given Kind with a message a person can act on, optionally carrying
// Info and the error that caused it. An Error with no Message and no Info is a sentinel:
// errors.Is(err, sentinel) matches any Error of the same Kind.
type Error struct {
	Kind    Kind
	Message string
	Info    *Info
	Err     error
}

// New builds an *Error of kind.
func New(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Classify returns an *Error of kind whose message is err's and whose cause is err: for a
// service's own sentinel errors (e.g. "shutting down" is Unavailable).
func Classify(kind Kind, err error) *Error {
	return &Error{Kind: kind, Message: err.Error(), Err: err}
}

func (e *Error) Error() string {
	if e.Message == "" {
		return e.Kind.String()
	}
	return e.Message
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Is reports whether target is a sentinel (no Message, no Info) of the same Kind.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Info == nil && t.Kind == e.Kind
}

// With returns a copy of e carrying info.
func (e *Error) With(info Info) *Error {
	c := *e
	c.Info = &info
	return &c
}
