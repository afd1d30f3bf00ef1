package pathway

import (
	"errors"
	"math"
)

// Errors of CheckFinite.
var (
	ErrNaN           = errors.New("must be a finite number, not NaN")
	ErrPlusInfinity  = errors.New("must be a finite number, not +Infinity")
	ErrMinusInfinity = errors.New("must be a finite number, not -Infinity")
)

// CheckFinite is the one rule every number of a pathway document and of every API shares
// (scores, score ranges and changes, thresholds): NaN, +Infinity and -Infinity are refused,
// since no comparison or sum over them means anything and JSON cannot carry them. It returns
// nil or one of the errors above.
func CheckFinite(x float64) error {
	switch {
	case math.IsNaN(x):
		return ErrNaN
	case math.IsInf(x, 1):
		return ErrPlusInfinity
	case math.IsInf(x, -1):
		return ErrMinusInfinity
	}
	return nil
}
