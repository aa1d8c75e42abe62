package finnish

import (
	"fmt"
	"testing"
)

func TestVoikkoProbe(t *testing.T) {
	v, err := OpenVoikko()
	if err != nil {
		t.Skip(err)
	}
	for _, w := range []string{"kunnan", "kuntien", "helsingin", "johtamisen", "maakuntien", "kuntastrategian", "strategian", "majoisen", "stenvallin", "osallisuuden", "välitilassa", "kelluvien", "kuntaliitto", "tulevaisuuden", "kuopiossa", "sote-uudistus", "digitalisaation", "äänestyksen", "uleåborg", "stenwall"} {
		fmt.Printf("%s: %+v\n", w, v.Analyze(w))
	}
	for _, w := range []string{"kunnan", "kuntien", "kunta", "helsingin", "helsinki", "johtamisen", "johtaminen", "maakuntien", "maakunta", "osallisuuden", "osallisuus"} {
		fmt.Printf("stem %s: %s\n", w, Stem(w))
	}
}
