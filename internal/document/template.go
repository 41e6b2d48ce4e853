package document

import "strings"

// GridSection is one section of the sheet template with the questions that guide its writers.
type GridSection struct {
	Heading   string
	Questions []string
}

// Grid is the question grid of the Pays de Brest commons sheets: the sections
// every new sheet starts with, each with the questions that guide writers.
var Grid = []GridSection{
	{Heading: "En préambule"},
	{Heading: "La communauté", Questions: []string{"Qui sont les membres ?", "Ouvert à qui ?"}},
	{Heading: "Les ressources", Questions: []string{"Quelles sont-elles ?", "Comment sont-elles utilisées ?"}},
	{Heading: "La gouvernance", Questions: []string{
		"Quelle organisation, animation ?",
		"Quelle prise de décisions ?",
		"Quelle régulation, quelle gestion des conflits ?",
		"Comment le projet permet-il la contribution de chacun.e ?",
	}},
	{Heading: "La protection et la pérennité du commun", Questions: []string{
		"Comment est protégé le caractère « commun » du projet ?",
		"Quelle est l'utilité sociale du projet ?",
	}},
	{Heading: "Les moyens humains et financiers, les partenariats", Questions: []string{
		"Moyens humains",
		"Quels financements, quelles contributions ?",
		"Quels partenariats ?",
		"Quelle redistribution des ressources ?",
	}},
	{Heading: "Le partage", Questions: []string{
		"Communs proches ou similaires ?",
		"Réplication, diffusion ?",
		"Apport au vivre ensemble, à la solidarité, au pouvoir d'agir, au territoire ?",
	}},
	{Heading: "Liens"},
}

// Template returns the Markdown body a new sheet starts from: one "##"
// section per entry of the grid, its questions as "###" prompts to answer.
func Template() string {
	var b strings.Builder
	for i, s := range Grid {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString("## " + s.Heading + "\n")
		for _, q := range s.Questions {
			b.WriteString("\n### " + q + "\n\n")
		}
	}
	return b.String()
}
