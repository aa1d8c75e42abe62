package finnish

import (
	"os"
	"slices"
	"testing"
)

// TestVoikko checks the lemmas and compound parts Voikko gives; CI must have Voikko.
func TestVoikko(t *testing.T) {
	v, err := OpenVoikko()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI must have Voikko (libvoikko1, voikko-fi): %v", err)
		}
		t.Skip(err)
	}
	cases := []struct {
		word  string
		lemma string
		parts []string
		known bool
	}{
		{"kunnan", "kunta", nil, true},
		{"kuntien", "kunta", nil, true},
		{"helsingin", "helsinki", nil, true},
		{"majoisen", "majoinen", nil, true},
		{"osallisuuden", "osallisuus", nil, true},
		{"kuntastrategian", "kuntastrategia", []string{"kunta", "strategia"}, true},
		{"maakuntauudistus", "maakuntauudistus", []string{"maa", "kunta", "uudistus"}, true},
		{"stenwall", "stenwall", nil, false},
	}
	for _, c := range cases {
		a := v.Analyze(c.word)
		if !slices.Contains(a.Lemmas, c.lemma) || a.Known != c.known {
			t.Errorf("%s: %+v, want the lemma %s (known %v)", c.word, a, c.lemma, c.known)
		}
		if !slices.Equal(a.Parts, c.parts) {
			t.Errorf("%s: parts %v, want %v", c.word, a.Parts, c.parts)
		}
	}
	if v.Name() != "voikko" || Default().Name() != "voikko" {
		t.Errorf("names %s, %s", v.Name(), Default().Name())
	}
}

func TestWordBases(t *testing.T) {
	for in, want := range map[string][]string{
		"+kunta(kunta)+strategia(strategia)":              {"kunta", "strategia"},
		"+maa(maa)+kunta(kunta)+uudist(uudistaa)+us(+us)": {"maa", "kunta", "uudistus"},
		"+kunta(kunta)+liit(liittää)+to(+to)":             {"kunta", "liitto"},
		"+johtaa(johtaa)":                                 {"johtaa"},
		"":                                                nil,
	} {
		if got := wordBases(in); !slices.Equal(got, want) {
			t.Errorf("wordBases(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestStemsAndRelated(t *testing.T) {
	s := Stems{}
	for _, pair := range [][2]string{{"kunta", "kunnan"}, {"kunta", "kuntien"}, {"helsinki", "helsingin"}, {"johtaminen", "johtamisen"}} {
		if !Related(s.Analyze(pair[0]), s.Analyze(pair[1]), true) {
			t.Errorf("%s and %s are not related by their stems (%s, %s)", pair[0], pair[1], Stem(pair[0]), Stem(pair[1]))
		}
	}
	if Related(s.Analyze("kunta"), s.Analyze("kuusi"), true) {
		t.Error("kunta and kuusi are related")
	}
	if Related(s.Analyze("kunta"), s.Analyze("kuntien"), false) {
		t.Error("without fuzziness, kun and kunt are one stem")
	}
	for _, c := range []struct {
		a, b string
		want int
	}{{"stenwall", "stenvall", 1}, {"kunta", "kunta", 0}, {"majonen", "majoinen", 1}, {"strategai", "strategia", 1}, {"abc", "xyzw", 2}} {
		if got := EditDistance(c.a, c.b, 1); got != c.want {
			t.Errorf("EditDistance(%s, %s, 1) = %d, want %d", c.a, c.b, got, c.want)
		}
	}
}
