package disclosure

// Cell names a cell of a Table.
type Cell int

// Table is the counts of one answer, the totals they add up to and what must be withheld with
// what (see the package doc). Build it with Count, Value, Sum and Follow, call Disclose once,
// then read Shown. Not safe for concurrent use.
type Table struct {
	cells   []cell
	sums    []sum
	follows [][2]Cell
}

type cell struct {
	value      int64
	count      bool
	suppressed bool
	rounding   int64
}

type sum struct {
	total Cell
	parts []Cell
}

// Count adds a count of people (or events): suppressed in the range, rounded otherwise.
func (t *Table) Count(v int64) Cell {
	t.cells = append(t.cells, cell{value: v, count: true})
	return Cell(len(t.cells) - 1)
}

// Value adds a figure that is not a count (money): never rounded, withheld only by Follow.
func (t *Table) Value(v int64) Cell {
	t.cells = append(t.cells, cell{value: v})
	return Cell(len(t.cells) - 1)
}

// Sum says total is shown and equals the sum of parts.
func (t *Table) Sum(total Cell, parts ...Cell) {
	t.sums = append(t.sums, sum{total: total, parts: parts})
}

// Follow says follower is withheld whenever leader is.
func (t *Table) Follow(leader Cell, followers ...Cell) {
	for _, f := range followers {
		t.follows = append(t.follows, [2]Cell{leader, f})
	}
}

// Disclose applies r: primary suppression, then Follow and secondary suppression until stable.
func (t *Table) Disclose(r Rule) {
	for i := range t.cells {
		c := &t.cells[i]
		c.rounding = r.RoundTo
		c.suppressed = c.count && r.Primary(c.value)
	}
	for changed := true; changed; {
		changed = false
		for _, f := range t.follows {
			if t.cells[f[0]].suppressed && !t.cells[f[1]].suppressed {
				t.cells[f[1]].suppressed, changed = true, true
			}
		}
		for _, s := range t.sums {
			if t.secondary(s) {
				changed = true
			}
		}
	}
}

// secondary suppresses one more cell of s when its total is shown and exactly one part is
// hidden, and reports whether it did.
func (t *Table) secondary(s sum) bool {
	if t.cells[s.total].suppressed {
		return false
	}
	hidden, pick := 0, Cell(-1)
	for _, p := range s.parts {
		c := t.cells[p]
		if c.suppressed {
			hidden++
			continue
		}
		if pick < 0 || better(c.value, t.cells[pick].value) {
			pick = p
		}
	}
	if hidden != 1 {
		return false
	}
	if pick < 0 {
		pick = s.total
	}
	t.cells[pick].suppressed = true
	return true
}

// better reports whether a candidate of value v beats one of value w as the next-smallest cell:
// non-zero cells first, then the smaller.
func better(v, w int64) bool {
	if (v == 0) != (w == 0) {
		return w == 0
	}
	return v < w
}

// Suppressed reports whether the cell is withheld.
func (t *Table) Suppressed(c Cell) bool { return t.cells[c].suppressed }

// Shown is the cell as shown: 0 and true when withheld, else a count rounded by the rule (a
// value as it is).
func (t *Table) Shown(c Cell) (int64, bool) {
	x := t.cells[c]
	if x.suppressed {
		return 0, true
	}
	if !x.count {
		return x.value, false
	}
	return Rule{RoundTo: x.rounding}.Round(x.value), false
}

// ShareCells are the cells of a share: its count, its total and the hidden complement.
type ShareCells struct{ Count, Total, Rest Cell }

// Share adds a share (count of total): the count and the hidden complement total-count are the
// parts of a Sum of the total, and the count follows the total.
func (t *Table) Share(count, total int64) ShareCells {
	s := ShareCells{Count: t.Count(count), Total: t.Count(total), Rest: t.Count(total - count)}
	t.Sum(s.Total, s.Count, s.Rest)
	t.Follow(s.Total, s.Count)
	return s
}

// ShareShown is a share as shown: count and total (0 when withheld, see Shown), whether each is
// withheld, and whether its percentage may be shown (neither they nor the complement withheld).
func (t *Table) ShareShown(s ShareCells) (count, total int64, countHidden, totalHidden, percent bool) {
	count, countHidden = t.Shown(s.Count)
	total, totalHidden = t.Shown(s.Total)
	return count, total, countHidden, totalHidden, !countHidden && !totalHidden && !t.Suppressed(s.Rest)
}
