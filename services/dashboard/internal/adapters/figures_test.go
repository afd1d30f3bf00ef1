package adapters_test

import (
	"strconv"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// sameFigures reports whether two figure messages are equal to 10 significant digits: means
// summed from the same rows in another order (PostgreSQL and SQLite hand rows in their own
// order) differ in the last bits of a float64.
func sameFigures(a, b proto.Message) bool {
	return proto.Equal(rounded(a), rounded(b))
}

func rounded(m proto.Message) proto.Message {
	c := proto.Clone(m)
	roundFloats(c.ProtoReflect())
	return c
}

func roundFloats(m protoreflect.Message) {
	type set struct {
		fd protoreflect.FieldDescriptor
		v  protoreflect.Value
	}
	var sets []set
	m.Range(func(fd protoreflect.FieldDescriptor, v protoreflect.Value) bool {
		switch {
		case fd.IsList():
			for i, l := 0, v.List(); i < l.Len(); i++ {
				switch {
				case fd.Message() != nil:
					roundFloats(l.Get(i).Message())
				case fd.Kind() == protoreflect.DoubleKind:
					l.Set(i, protoreflect.ValueOfFloat64(round(l.Get(i).Float())))
				}
			}
		case fd.IsMap():
		case fd.Message() != nil:
			roundFloats(v.Message())
		case fd.Kind() == protoreflect.DoubleKind:
			sets = append(sets, set{fd, protoreflect.ValueOfFloat64(round(v.Float()))})
		}
		return true
	})
	for _, s := range sets {
		m.Set(s.fd, s.v)
	}
}

func round(x float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 10, 64), 64)
	return r
}
