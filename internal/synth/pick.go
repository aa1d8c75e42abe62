package synth

import (
	"math"
	"math/rand/v2"
	"sort"
)

// weighted picks indexes 0..n-1 with fixed relative weights (cumulative, binary search).
type weighted struct{ cum []float64 }

// newZipf returns a picker of 0..n-1 where index i has weight 1/(i+1)^s: the first few
// are picked far more often than the rest, as real seminar material names a few big
// cities and popular themes again and again.
func newZipf(n int, s float64) *weighted {
	w := make([]float64, n)
	for i := range w {
		w[i] = 1 / math.Pow(float64(i+1), s)
	}
	return newWeighted(w)
}

// newWeighted returns a picker with the given relative weights.
func newWeighted(w []float64) *weighted {
	cum := make([]float64, len(w))
	total := 0.0
	for i, x := range w {
		total += x
		cum[i] = total
	}
	return &weighted{cum: cum}
}

// pick returns an index; the picker must not be empty.
func (p *weighted) pick(r *rand.Rand) int {
	u := r.Float64() * p.cum[len(p.cum)-1]
	i := sort.SearchFloat64s(p.cum, u)
	if i >= len(p.cum) {
		i = len(p.cum) - 1
	}
	return i
}

// distinct picks up to k different indexes, each accepted only when ok says so (nil:
// any), giving up on an index after a bounded number of tries so that it always ends.
func (p *weighted) distinct(r *rand.Rand, k int, ok func(int) bool) []int {
	out := make([]int, 0, k)
	for tries := 0; len(out) < k && tries < 30*k+30; tries++ {
		i := p.pick(r)
		if (ok == nil || ok(i)) && !contains(out, i) {
			out = append(out, i)
		}
	}
	return out
}

func contains(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// countFrom picks a count: weights[i] is the relative frequency of count min+i.
func countFrom(r *rand.Rand, min int, weights ...float64) int {
	total := 0.0
	for _, w := range weights {
		total += w
	}
	u := r.Float64() * total
	for i, w := range weights {
		if u < w {
			return min + i
		}
		u -= w
	}
	return min + len(weights) - 1
}

// spread divides total units over n slots, each slot getting at least floor and the
// rest one unit at a time to a slot picked by weight (nil: uniformly). The result sums
// to total exactly (when total >= n*floor).
func spread(r *rand.Rand, total, n, floor int, weight *weighted) []int {
	out := make([]int, n)
	if n == 0 {
		return out
	}
	rest := total
	for i := range out {
		f := min(floor, rest)
		out[i] = f
		rest -= f
	}
	for ; rest > 0; rest-- {
		var i int
		if weight != nil {
			i = weight.pick(r)
		} else {
			i = r.IntN(n)
		}
		out[i]++
	}
	return out
}

// chance reports true with probability p.
func chance(r *rand.Rand, p float64) bool { return r.Float64() < p }

// one returns a uniformly picked element.
func one[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }
