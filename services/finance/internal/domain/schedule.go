package domain

// Resolve builds the contract for terms, amendment number amendment, when the first released
// periods have already been released with the amounts in released (nil for a new contract).
//
// Released periods keep their amounts. With the default schedule the rest of the allocatable
// budget (budget less withhold) is spread equally over the remaining periods, the remainder
// pence going one each to the earliest of them. With an explicit schedule every released
// period must keep its amount and unlisted periods release nothing. Either way the schedule may
// not allocate more than the allocatable budget.
func Resolve(id string, terms Terms, amendment int, released []int64) (Contract, error) {
	if err := terms.Validate(); err != nil {
		return Contract{}, err
	}
	c := Contract{ID: id, Terms: terms, Amendment: amendment, Withhold: terms.Withhold()}
	copy(c.Schedule[:], released)
	var releasedSum int64
	for _, r := range released {
		releasedSum += r
	}
	if releasedSum > c.Allocatable() {
		return Contract{}, Invalid("terms.annual_budget_pence",
			"allocations already released (%d pence) would exceed the allocatable budget (%d pence: budget %d less withhold %d)",
			releasedSum, c.Allocatable(), terms.BudgetPence, c.Withhold)
	}
	if len(terms.Schedule) == 0 {
		spread(&c, len(released), c.Allocatable()-releasedSum)
		return c, nil
	}
	return explicit(c, len(released))
}

func spread(c *Contract, from int, amount int64) {
	n := int64(Periods - from)
	if n == 0 {
		return
	}
	base, rem := amount/n, amount%n
	for p := from; p < Periods; p++ {
		c.Schedule[p] = base
		if int64(p-from) < rem {
			c.Schedule[p]++
		}
	}
}

func explicit(c Contract, releasedN int) (Contract, error) {
	var planned [Periods]int64
	for _, pa := range c.Terms.Schedule {
		planned[pa.Period-1] = pa.Pence
	}
	var vs Violations
	for p := range releasedN {
		if planned[p] != c.Schedule[p] {
			vs.Add("terms.schedule", "period %d was already released with %d pence and cannot change to %d", p+1, c.Schedule[p], planned[p])
		}
	}
	if err := vs.Err(); err != nil {
		return Contract{}, err
	}
	var sum int64
	for p := range Periods {
		c.Schedule[p] = planned[p]
		sum += planned[p]
	}
	if sum > c.Allocatable() {
		return Contract{}, Invalid("terms.schedule",
			"allocations total %d pence, more than the allocatable budget (%d pence: budget %d less withhold %d)",
			sum, c.Allocatable(), c.Terms.BudgetPence, c.Withhold)
	}
	return c, nil
}
