package bundle

import (
	"context"
	"errors"
	"slices"
	"testing"
)

// TestSaveInBatches: batches keep the builders' order, bind at most maxParams
// parameters (columns per row and two per edge), and stop at the first failure.
func TestSaveInBatches(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n       int
		columns int
		edges   int
		batches int
	}{
		{"none", 0, 5, 1, 0},
		{"one small batch", 10, 5, 1, 1},
		{"rows fill a batch", 16000, 5, 0, 3},              // 6,000 rows of 5 a batch
		{"edges fill a batch", 16000, 5, 3, 6},             // 2,727 rows of 11 a batch
		{"a row alone over the bound", 3, 5, maxParams, 3}, // each alone, as ent would fail it
		{"exactly the bound", 2, maxParams / 2, 0, 1},      // 2 rows of 15,000
		{"one over the bound", 3, maxParams/2 + 1, 0, 3},   // 15,001 each: one a batch
	} {
		t.Run(tc.name, func(t *testing.T) {
			builders := make([]int, tc.n)
			for i := range builders {
				builders[i] = i
			}
			var sizes []int
			got, err := saveInBatches(context.Background(), builders, tc.columns, func(int) int { return tc.edges },
				func(_ context.Context, part []int) ([]int, error) {
					sizes = append(sizes, len(part))
					if params := len(part) * (tc.columns + 2*tc.edges); len(part) > 1 && params > maxParams {
						t.Errorf("a batch of %d binds %d parameters", len(part), params)
					}
					return slices.Clone(part), nil
				})
			if err != nil {
				t.Fatal(err)
			}
			if len(sizes) != tc.batches {
				t.Errorf("batches %v, want %d", sizes, tc.batches)
			}
			if !slices.Equal(got, builders) && !(len(got) == 0 && len(builders) == 0) {
				t.Errorf("saved %d in another order or count than the %d builders", len(got), len(builders))
			}
		})
	}
	t.Run("a failure stops", func(t *testing.T) {
		calls := 0
		_, err := saveInBatches(context.Background(), make([]int, 20000), 5, func(int) int { return 0 },
			func(context.Context, []int) ([]int, error) { calls++; return nil, errors.New("refused") })
		if err == nil || calls != 1 {
			t.Errorf("err %v after %d calls, want an error after 1", err, calls)
		}
	})
}

// TestReadInChunks: every key is read once, in order, in parts below maxParams.
func TestReadInChunks(t *testing.T) {
	keys := make([]int, 40000)
	for i := range keys {
		keys[i] = i
	}
	var sizes []int
	got, err := readInChunks(keys, func(part []int) ([]int, error) {
		sizes = append(sizes, len(part))
		return part, nil
	})
	if err != nil || !slices.Equal(got, keys) || !slices.Equal(sizes, []int{15000, 15000, 10000}) {
		t.Errorf("read %d keys in parts %v (err %v), want all 40000 in 15000, 15000, 10000", len(got), sizes, err)
	}
}
