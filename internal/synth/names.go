package synth

import (
	"fmt"
	"strings"
	"unicode"
)

// The vocabulary of the synthetic knowledge base: small lists from which names, titles
// and texts are composed. Nothing here is random; the generator picks from the lists.

// rootTheme is a broad theme: its Finnish name, the genitive that narrower themes are
// composed with, and its English name. None has the slug of a theme of the seed
// knowledge, so that loading the seed after the synthetic data changes none of it.
type rootTheme struct{ fi, gen, en string }

var rootThemes = []rootTheme{
	{"Digitalisaatio", "Digitalisaation", "Digitalisation"},
	{"Kuntastrategia", "Kuntastrategian", "Municipal strategy"},
	{"Elinvoima", "Elinvoiman", "Vitality"},
	{"Hyvinvointi", "Hyvinvoinnin", "Wellbeing"},
	{"Osallisuus", "Osallisuuden", "Participation"},
	{"Johtaminen", "Johtamisen", "Leadership"},
	{"Kestävä yhdyskunta", "Kestävän yhdyskunnan", "Sustainable communities"},
	{"Sivistys", "Sivistyksen", "Education and culture"},
	{"Ilmastotyö", "Ilmastotyön", "Climate action"},
	{"Kuntatalous", "Kuntatalouden", "Municipal finances"},
	{"Elinkeinopolitiikka", "Elinkeinopolitiikan", "Business policy"},
	{"Asuminen", "Asumisen", "Housing"},
	{"Liikenne", "Liikenteen", "Transport"},
	{"Turvallisuus", "Turvallisuuden", "Safety"},
	{"Kotoutuminen", "Kotoutumisen", "Integration"},
	{"Demokratia", "Demokratian", "Democracy"},
	{"Ennakointityö", "Ennakointityön", "Foresight work"},
	{"Henkilöstö", "Henkilöstön", "Personnel"},
}

// aspects narrow a root theme: "Digitalisaation rahoitus", "Funding of digitalisation".
var aspects = []struct{ fi, en string }{
	{"rahoitus", "Funding"},
	{"mittarit", "Indicators"},
	{"kokeilut", "Experiments"},
	{"yhteistyö", "Cooperation"},
	{"osaaminen", "Competence"},
	{"palvelut", "Services"},
	{"arviointi", "Evaluation"},
	{"viestintä", "Communication"},
	{"tietopohja", "Knowledge base"},
	{"kumppanuudet", "Partnerships"},
	{"vaikuttavuus", "Impact"},
	{"resurssit", "Resources"},
	{"lainsäädäntö", "Legislation"},
	{"verkostot", "Networks"},
	{"tiedolla johtaminen", "Knowledge-based management"},
	{"hankinnat", "Procurement"},
	{"kehittäminen", "Development"},
	{"suunnittelu", "Planning"},
	{"seuranta", "Monitoring"},
	{"kehityshankkeet", "Development projects"},
}

// contexts narrow an aspect theme further: "… pienissä kunnissa", "… in small municipalities".
var contexts = []struct{ fi, en string }{
	{"pienissä kunnissa", "in small municipalities"},
	{"kaupunkiseuduilla", "in urban regions"},
	{"maaseudulla", "in rural areas"},
	{"kuntayhteistyössä", "in inter-municipal cooperation"},
	{"hyvinvointialueiden kanssa", "with the wellbeing services counties"},
	{"kasvukeskuksissa", "in growth centres"},
	{"saaristokunnissa", "in archipelago municipalities"},
	{"kaksikielisissä kunnissa", "in bilingual municipalities"},
}

// Largest municipalities by population (codes of Statistics Finland), most often named
// in real seminar material; the others follow in a seeded order.
var bigMunicipalities = []string{
	"091", "049", "837", "092", "564", "853", "179", "297", "398", "609",
	"286", "167", "405", "109", "905", "743", "698", "491", "285", "734",
}

var firstNames = []string{
	"Anna", "Maria", "Liisa", "Päivi", "Sari", "Tiina", "Kaisa", "Minna", "Hanna", "Johanna",
	"Laura", "Elina", "Riikka", "Katja", "Satu", "Heidi", "Aino", "Outi", "Merja", "Sanna",
	"Jari", "Mikko", "Timo", "Juha", "Matti", "Pekka", "Antti", "Jukka", "Mika", "Kari",
	"Markku", "Petri", "Janne", "Ville", "Sami", "Tuomas", "Jussi", "Esa", "Heikki", "Olli",
}

var surnameStems = []string{
	"Mäki", "Lahti", "Virta", "Niemi", "Hei", "Koski", "Järvi", "Kangas", "Lai", "Salo",
	"Tuomi", "Räsä", "Pelto", "Huo", "Korpi", "Haka", "Linna", "Ranta", "Saari", "Lehto",
	"Nurmi", "Kivi", "Paasi", "Honka",
}

var surnameEndings = []string{
	"nen", "la", "lä", "aho", "mäki", "oja", "vaara", "niemi", "lahti", "salo", "koski", "ranta", "pää", "vuori",
}

var titles = []struct{ fi, en string }{
	{"kunnanjohtaja", "Municipal manager"},
	{"kaupunginjohtaja", "City manager"},
	{"kehittämispäällikkö", "Development manager"},
	{"erityisasiantuntija", "Senior specialist"},
	{"tutkija", "Researcher"},
	{"projektipäällikkö", "Project manager"},
	{"strategiajohtaja", "Director of strategy"},
	{"konsultti", "Consultant"},
	{"professori", "Professor"},
	{"hallintojohtaja", "Director of administration"},
	{"hyvinvointikoordinaattori", "Wellbeing coordinator"},
	{"elinvoimajohtaja", "Director of vitality"},
	{"talousjohtaja", "Director of finance"},
	{"sivistysjohtaja", "Director of education"},
	{"kehitysjohtaja", "Director of development"},
}

var orgPrefixes = []string{
	"Kunta", "Seutu", "Alue", "Elinvoima", "Tieto", "Kehitys", "Hyvinvointi", "Verkko", "Tulevaisuus",
	"Yhteisö", "Palvelu", "Osaamis", "Maaseutu", "Kaupunki", "Ilmasto", "Demokratia", "Sivistys", "Strategia",
}

// orgSuffixes compose an organisation's name by kind: prefix + suffix.
var orgSuffixes = map[string][]struct{ fi, en string }{
	"CONSULTANCY": {{"väylä Oy", "Consulting"}, {"polku Oy", "Consulting"}, {"kumppanit Oy", "Partners"}, {"tiimi Oy", "Team"}, {"silta Oy", "Bridge"}, {"paja Oy", "Workshop"}},
	"ASSOCIATION": {{"foorumi ry", "Forum"}, {"verkosto ry", "Network"}, {"liitto ry", "Association"}, {"seura ry", "Society"}},
	"UNIVERSITY":  {{"tutkimuskeskus", "Research Centre"}, {"instituutti", "Institute"}, {"akatemia", "Academy"}},
	"GOVERNMENT":  {{"virasto", "Agency"}, {"keskus", "Centre"}, {"toimisto", "Office"}},
	"OTHER":       {{"säätiö", "Foundation"}, {"rahasto", "Fund"}},
}

// orgPrefixEn are the English renderings of orgPrefixes, by index.
var orgPrefixEn = []string{
	"Municipal", "Regional", "Area", "Vitality", "Knowledge", "Development", "Wellbeing", "Network", "Future",
	"Community", "Service", "Competence", "Rural", "Urban", "Climate", "Democracy", "Education", "Strategy",
}

var networkNames = []struct{ name, description string }{
	{"Kuntakehittäjien verkosto", "A synthetic network of municipal developers who meet to compare their development work."},
	{"Tulevaisuuden kunnat -verkosto", "A synthetic network of municipalities preparing for the municipality of the future."},
	{"Elinvoimaiset kunnat -verkosto", "A synthetic network on the vitality and business policy of municipalities."},
	{"Hyvinvoivat kunnat -verkosto", "A synthetic network on wellbeing and participation."},
	{"Kestävät kunnat -verkosto", "A synthetic network on sustainable development and climate action."},
	{"Osallistavat kunnat -verkosto", "A synthetic network on democracy and participation."},
}

var seminarKinds = []struct{ fi, en string }{
	{"Teemaseminaari", "thematic seminar"},
	{"Vertaisseminaari", "peer seminar"},
	{"Verkostotapaaminen", "network meeting"},
	{"Työpajapäivä", "workshop day"},
	{"Webinaari", "webinar"},
	{"Kuntafoorumi", "municipal forum"},
	{"Aloitusseminaari", "kickoff seminar"},
	{"Päätösseminaari", "closing seminar"},
}

var presentationPhrases = []string{
	"kokemuksia kunnista", "mistä on kyse?", "uusia avauksia", "tilannekatsaus", "hyviä käytäntöjä", "mitä seuraavaksi?",
}

// outcomeTemplates are, per outcome kind, pairs of an English text and a Finnish quote:
// %[1]s is the theme's name (English in the text, Finnish in the quote, lower-cased),
// %[2]s a municipality's name.
var outcomeTemplates = map[string][]struct{ en, fi string }{
	"INSIGHT": {
		{"%[1]s is seen as a precondition for the vitality of municipalities, for example in %[2]s.", "%[1]s nähdään kuntien elinvoiman edellytyksenä – esimerkkinä %[2]s."},
		{"Municipalities recognise %[1]s as a strategic question, as the experience of %[2]s shows.", "Kunnissa %[1]s tunnistetaan strategiseksi kysymykseksi, kuten %[2]s osoittaa."},
		{"Small municipalities experience %[1]s differently from cities such as %[2]s.", "Pienet kunnat kokevat teeman %[1]s eri tavoin kuin esimerkiksi %[2]s."},
	},
	"ONGOING_DEVELOPMENT": {
		{"A development project on %[1]s is under way in %[2]s.", "Kehittämishanke on käynnissä: %[1]s, mukana %[2]s."},
		{"%[2]s is piloting new ways of working on %[1]s.", "%[2]s kokeilee uusia toimintatapoja: %[1]s."},
	},
	"SUPPORT_NEED": {
		{"Municipalities need peer support and shared tools for %[1]s; %[2]s asked for examples.", "Kunnat tarvitsevat vertaistukea ja yhteisiä työkaluja: %[1]s. %[2]s toivoi esimerkkejä."},
		{"Knowledge and indicators on %[1]s are lacking, says %[2]s.", "Tietoa ja mittareita puuttuu: %[1]s (%[2]s)."},
	},
	"NETWORK_ROLE": {
		{"The network should gather municipalities' experience of %[1]s, starting with %[2]s.", "Verkoston tulisi koota kuntien kokemuksia teemasta %[1]s, ensimmäisenä %[2]s."},
		{"The network can connect %[2]s with others working on %[1]s.", "Verkosto voi yhdistää kunnan %[2]s muihin, jotka työskentelevät teeman %[1]s parissa."},
	},
	"RECOMMENDATION": {
		{"Link %[1]s to the municipal strategy and follow it up with indicators, as %[2]s did.", "Teema %[1]s kannattaa kytkeä kuntastrategiaan ja seurata sitä mittareilla, kuten %[2]s teki."},
		{"Make %[1]s part of the council term's goals; %[2]s is a model.", "%[1]s kannattaa ottaa valtuustokauden tavoitteisiin – mallina %[2]s."},
	},
}

// outcomeKinds are the outcome kinds with their relative frequencies.
var outcomeKinds = []struct {
	kind   string
	weight float64
}{{"INSIGHT", 40}, {"ONGOING_DEVELOPMENT", 20}, {"SUPPORT_NEED", 15}, {"NETWORK_ROLE", 10}, {"RECOMMENDATION", 15}}

var workshopQuestions = []string{
	"Mitä %s tarkoittaa kunnallenne?",
	"Mitkä ovat teeman %s suurimmat haasteet?",
	"Miten verkosto voisi tukea teemaa %s?",
	"Mitä kuntanne tekee teeman %s eteen nyt?",
}

// slugify turns a name into a slug: lower-case ASCII words joined by hyphens, at most
// max characters.
func slugify(s string, max int) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch r {
		case 'ä', 'å', 'á', 'à', 'â':
			r = 'a'
		case 'ö', 'ø', 'ó':
			r = 'o'
		case 'é', 'è':
			r = 'e'
		case 'ü':
			r = 'u'
		}
		if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	out := b.String()
	if len(out) > max {
		out = strings.TrimRight(out[:max], "-")
	}
	if out == "" {
		out = "x"
	}
	return out
}

// lowerFirst lower-cases the first letter, for a name inside a sentence.
func lowerFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToLower(r)) + s[i+len(string(r)):]
	}
	return s
}

// upperFirst upper-cases the first letter, for a name at the start of a sentence.
func upperFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// unique hands out names not taken yet: a name already taken gets " 2", " 3"… (or the
// suffix format given) appended.
type unique struct {
	taken map[string]bool
}

func newUnique(existing []string) *unique {
	u := &unique{taken: make(map[string]bool, len(existing))}
	for _, s := range existing {
		u.taken[s] = true
	}
	return u
}

// take returns name, or name with a numeric suffix when name is taken, and marks it taken.
func (u *unique) take(name string, suffix func(name string, n int) string) string {
	out := name
	for n := 2; u.taken[out]; n++ {
		out = suffix(name, n)
	}
	u.taken[out] = true
	return out
}

func spaceSuffix(name string, n int) string { return fmt.Sprintf("%s %d", name, n) }
func dashSuffix(name string, n int) string  { return fmt.Sprintf("%s-%d", name, n) }
