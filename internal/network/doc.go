// Package network computes the theme network of the knowledge base: which development
// themes go together, how strongly, through what evidence, and which themes hold the
// network together. It also finds chains linking any two entities through the knowledge
// graph, and counts what the knowledge base says about each theme by term, year and
// region.
//
// # The model
//
// A node is a theme. Two themes co-occur when the knowledge base ties the same item to
// both; the kind of item is the Signal:
//
//   - OUTCOME: an outcome on both themes (Outcome.themes).
//   - SESSION: a session on both themes (Session.themes).
//   - SEMINAR: a seminar on both themes (Seminar.themes).
//   - EXPERT: a person tied to both themes: a stated expertise (Expert.themes), a talk in
//     a session on the theme (Session.speakers × Session.themes) or a statement attributed
//     to them in an outcome on the theme (Outcome.experts × Outcome.themes). Moderating a
//     session is not speaking to its theme and does not count.
//   - MUNICIPALITY: a municipality named by an outcome or a seminar on each theme
//     (Outcome.municipalities × Outcome.themes, Seminar.municipalities × Seminar.themes).
//   - DOCUMENT: a document that discusses both themes (Document.themes). Documents cited
//     as sources of facts do not count: nearly every fact cites the same article, which
//     would tie every theme to every other.
//
// When no signals are chosen, DefaultSignals count: OUTCOME, SESSION and SEMINAR, what
// the seminars discussed. Over all six, the network mostly measures how documents were
// tagged (one article tagged with many themes is a clique of all of them); Shares tells
// how much of a network each signal makes.
//
// A theme is a node when at least one item of the chosen signals is tied to it under the
// Filter; a theme nothing is tied to is left out rather than shown as an isolated dot.
//
// # Weight and strength
//
// An edge's Weight is the number of items the two themes share, summed over the chosen
// signals (an outcome and a municipality shared count 2). Weight is what the network
// measures use, because it is a count a reader can check against the Evidence.
//
// An edge's Strength normalises the weight: it is the Jaccard index of the two themes'
// item sets, over the union of the chosen signals,
//
//	Strength(a, b) = |I(a) ∩ I(b)| / |I(a) ∪ I(b)| = w / (n(a) + n(b) − w)
//
// where n(t) is the number of items tied to t (the sum of its Counts). Jaccard was chosen
// over the alternatives because the knowledge base is small and sparse:
//
//   - it reads directly ("these two themes share 7 of their 9 items"), lies in [0, 1],
//     and is 1 only for themes that always appear together;
//   - PMI and NPMI need the number of possible co-occurrences, which has no meaning
//     across heterogeneous signals (how many "slots" do an outcome and a municipality
//     make?), and with counts of 1–3 PMI rewards rare pairs with huge, unstable scores;
//   - cosine (Ochiai) would do as well on such data, but is harder to explain and ranks
//     pairs the same way in all but edge cases.
//
// # Network measures
//
// Measures are computed with gonum on the graph of the kept edges (see minWeight):
//
//   - WeightedDegree: the sum of the weights of a node's edges (its strength in
//     network-science terms).
//   - Betweenness: (Freeman) betweenness centrality with the distance of an edge 1/Weight
//     (a strong tie is a short hop), through path.DijkstraAllPaths and
//     network.BetweennessWeighted. It is not normalised and each unordered pair of
//     themes is counted once (gonum counts both directions of an undirected graph; the
//     package halves that), so on a path A–B–C the betweenness of B is 1. Pairs with
//     several shortest paths share their count equally among them; paths tie when their
//     summed distances are equal as floating-point numbers (1/2 + 1/2 and 1, or
//     1/7 + 1/2 and 1/2 + 1/7, do). Values are rounded to 1e-9 so that floating-point
//     summation order never shows. Weight rather than Strength is the basis because
//     Jaccard strengths of a hub's edges are small however much it shares, which
//     would make hubs look remote.
//   - Community: Louvain modularity communities (community.Modularize, resolution 1)
//     with a fixed random seed. Communities are numbered from 0 in the order of their
//     smallest member's theme ID, so the same data always gives the same numbers. A
//     theme with no kept edge is a community of its own.
//
// Nodes are sorted by theme ID, edges by (Source, Target) with Source < Target.
//
// # Filters
//
// A Filter restricts the evidence. Lists are alternatives (any of the IDs); the fields
// combine (all must hold). Outcomes, sessions and seminars are dated by their seminar:
// SeminarIDs, TermIDs, From and To (inclusive calendar dates) select seminars. The place
// of an item is the municipalities it names: an outcome its own, a seminar its own and
// its outcomes', a session its outcomes' and its seminar's. MunicipalityIDs and RegionIDs
// keep items with a place that matches; the region is the one the municipality belonged
// to on the date of the seminar (MunicipalityPeriod), not today's. Under a place filter
// the MUNICIPALITY signal counts only the matching municipalities.
//
// Stated expertise is not dated and has no place, so any filter leaves it out (experts
// still count through the talks and statements the filter keeps). Documents count under
// From and To by their publication date (an undated document is left out) and are left
// out by the seminar, term, municipality and region filters.
//
// # Time slices
//
// BuildSeries computes the network of every network term or every year at once: each
// slice is the network Build computes with the term or the year added to the filter.
// Communities are matched between a slice and the previous one (the year before, or
// the previous term of the same network: terms of different networks run side by side)
// by the Jaccard overlap of their themes (at least MatchThreshold, 0.3 by default) and
// classified as persisting, splitting, merging or appearing, and those of the previous
// slice that match nothing as vanished, after Greene, Doyle & Cunningham (2010),
// "Tracking the evolution of communities in dynamic social networks", ASONAM 2010,
// simplified to compare each slice with the one before it. A lineage (dynamic community) follows the strongest one-to-one
// matches across slices.
//
// # Queries
//
// Every function fetches what it needs in a fixed number of SELECTs, whatever the amount
// of data, and computes in Go: the join tables' (x_id, y_id) pairs come in one UNION ALL
// statement, and themes, seminars, municipality periods and document dates in one
// statement each when needed. Build issues at most 5 statements, BuildSeries at most 6 (it
// loads once and builds every slice in Go), Related 2, Paths 1,
// ThemeStats at most 5, StatsBy at most 7, EngagedMunicipalities and
// SimilarMunicipalities at most 3. The work in Go is linear in the number of links, plus
// the pairs of themes per item for the network and O(V·E + V² log V) for betweenness.
package network

// The bounds of the edges a network answer returns (themeNetwork's and
// themeNetworkSeries' maxEdges, per network): the default and the largest accepted. The
// API's cost limit reads them too (graph/querylimit), counting a network by its edges.
const (
	DefaultMaxEdges = 2000
	MaxMaxEdges     = 20000
	// CostSlices is how many slices the cost limit expects of a series before it runs (a
	// series has a slice per term or year with evidence; the seed has 6 terms and 14 years).
	CostSlices = 30
)
